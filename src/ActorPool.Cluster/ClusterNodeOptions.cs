using Akka.Configuration;

namespace ActorPool.Cluster;

/// <summary>How a <see cref="ClusterWorkerNode"/> joins its cluster and what it runs.</summary>
public sealed class ClusterNodeOptions
{
    /// <summary>Addresses of members to join through (the coordinator's <see cref="ClusterPoolExecutor.Address"/>), e.g. <c>akka.tcp://actorpool@10.0.0.5:4053</c>.</summary>
    public IList<string> Seeds { get; } = [];

    /// <summary>The cluster's secret; null reads <c>ACTORPOOL_CLUSTER_SECRET</c>.</summary>
    public string? Secret { get; set; }

    /// <summary>The interface to listen on; null keeps <c>akka.remote.dot-netty.tcp.hostname</c> (127.0.0.1 by default).</summary>
    public string? Hostname { get; set; }

    /// <summary>The port to listen on; null keeps the configured one (0 by default: a free port).</summary>
    public int? Port { get; set; }

    /// <summary>Worker actors offered to each executor; null keeps <c>actorpool.cluster.node.workers</c> (0: one per processor).</summary>
    public int? Workers { get; set; }

    /// <summary>Assemblies whose methods the node runs; empty keeps <c>actorpool.cluster.node.allowed-assemblies</c>, or else the app's own.</summary>
    public IList<string> AllowedAssemblies { get; } = [];

    /// <summary>HOCON over ActorPool's cluster defaults (hocon/cluster.conf), e.g. TLS (hocon/cluster-tls.conf).</summary>
    public Config? Config { get; set; }

    /// <summary>Set by <see cref="LocalNodeProcess"/> (through the node program's command line): a role only this node has.</summary>
    internal string? LocalNodeRole { get; set; }
}
