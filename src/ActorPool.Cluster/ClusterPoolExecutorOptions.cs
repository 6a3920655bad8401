using Akka.Configuration;

namespace ActorPool.Cluster;

/// <summary>
/// How a <see cref="ClusterPoolExecutor"/> is built: what it asks of nodes and, when it makes its own actor system, how
/// that system listens. The one options type for both ways of making the executor: <see cref="Hostname"/>,
/// <see cref="Port"/> and <see cref="Config"/> apply only to an executor that makes its own system; a hosted one
/// (<c>WithClusterPoolExecutor</c>) runs in the app's system, whose address and HOCON the app sets, and refuses them.
/// </summary>
public sealed class ClusterPoolExecutorOptions
{
    /// <summary>The cluster's secret, which nodes must prove they know to be given work; null reads <c>ACTORPOOL_CLUSTER_SECRET</c>.</summary>
    public string? Secret { get; set; }

    /// <summary>The interface to listen on; null keeps <c>akka.remote.dot-netty.tcp.hostname</c> (127.0.0.1 by default).</summary>
    public string? Hostname { get; set; }

    /// <summary>The port to listen on, which nodes join; null keeps the configured one (0 by default: a free port, see <see cref="ClusterPoolExecutor.Address"/>).</summary>
    public int? Port { get; set; }

    /// <summary>The most node workers the executor uses at once, over all nodes; null uses every worker every node offers.</summary>
    public int? MaxWorkers { get; set; }

    /// <summary>A static method (or capture-free lambda) each node worker runs before its first call; if it throws, the pool is broken.</summary>
    public Action? Initializer { get; set; }

    /// <summary>HOCON over ActorPool's cluster defaults (hocon/cluster.conf), e.g. TLS (hocon/cluster-tls.conf).</summary>
    public Config? Config { get; set; }

    /// <summary>
    /// Where the executor logs (category <c>ActorPool.Cluster</c>) and, in the actor system it makes for itself, Akka's own
    /// warnings and errors; null logs through the actor system's Akka logging. An option rather than a constructor
    /// parameter, as everything else this executor is given beyond its system; a hosted cluster pool gets the host's.
    /// </summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>What the executor does with every call beyond running it (<see cref="ExecutorPolicy"/>); null for Python's behavior.</summary>
    public ExecutorPolicy? Policy { get; set; }
}
