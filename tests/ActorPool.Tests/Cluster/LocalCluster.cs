using System.Security.Cryptography;
using ActorPool.Cluster;
using ActorPool.Tests.Executors;
using Akka.Actor;

namespace ActorPool.Tests.Cluster;

/// <summary>
/// A coordinator in this process (a <see cref="ClusterPoolExecutor"/> with an actor system of its own, or a bare
/// cluster system that several executors share) and worker nodes in real child processes on 127.0.0.1.
/// </summary>
public sealed class LocalCluster : IDisposable
{
    private readonly List<LocalNodeProcess> nodes = [];

    public LocalCluster()
    {
        _ = SharedState.Root; // node processes inherit where the contract suite's shared state lives
    }

    public string Secret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Starts a node process that joins <paramref name="seed"/>; disposed with this cluster.</summary>
    public LocalNodeProcess StartNode(Address seed, int workers, string? secret = null, IEnumerable<string>? allowed = null)
    {
        var node = LocalNodeProcess.Start(seed, secret ?? Secret, workers, allowed);
        nodes.Add(node);
        return node;
    }

    public void Dispose()
    {
        foreach (var node in nodes)
        {
            node.Dispose();
        }
    }
}
