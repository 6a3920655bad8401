namespace ActorPool.Cluster;

/// <summary>
/// A <see cref="ClusterPoolExecutor"/> call whose worker node crashed, became unreachable or left the cluster while
/// holding it (the message and <see cref="Node"/> name the node; the executor goes on with the other nodes), or a
/// pool whose initializer failed on a node (pending and later calls fail with this, and <c>Submit</c> throws it).
/// </summary>
public sealed class BrokenClusterPoolException : BrokenExecutorException
{
    internal const string InitializerFailedMessage = "A cluster pool initializer failed, the cluster pool is not usable anymore";

    /// <summary>Creates the exception with the message for a failed initializer.</summary>
    public BrokenClusterPoolException()
        : base(InitializerFailedMessage)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public BrokenClusterPoolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public BrokenClusterPoolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a call lost with the worker node at <paramref name="node"/>.</summary>
    public BrokenClusterPoolException(string message, string node)
        : base(message) => Node = node;

    /// <summary>The Akka address of the worker node the call was lost with (<c>akka.tcp://actorpool@host:port</c>), if that is why.</summary>
    public string? Node { get; }
}
