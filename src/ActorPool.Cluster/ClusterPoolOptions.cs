using Akka.Configuration;

namespace ActorPool.Cluster;

/// <summary>How a <see cref="ClusterPoolExecutor"/> that makes its own actor system sets it up, and what it asks of nodes.</summary>
public sealed class ClusterPoolOptions
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
}
