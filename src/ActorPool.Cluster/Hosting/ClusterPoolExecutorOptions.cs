namespace ActorPool.Cluster.Hosting;

/// <summary>
/// How <see cref="ClusterHostingExtensions.WithClusterPoolExecutor(Akka.Hosting.AkkaConfigurationBuilder, string, ClusterPoolExecutorOptions)"/>
/// builds its executor. Narrower than <see cref="ClusterPoolOptions"/>: a hosted executor runs in the app's actor
/// system, whose address and HOCON the app sets, so there is no hostname, port or config to give here.
/// </summary>
public sealed class ClusterPoolExecutorOptions
{
    /// <summary>The cluster's secret, which worker nodes must prove they know to be given work; null reads
    /// <c>ACTORPOOL_CLUSTER_SECRET</c> when you register.</summary>
    public string? Secret { get; set; }

    /// <summary>The most node workers the executor uses at once, over all nodes; null uses every worker every node offers.</summary>
    public int? MaxWorkers { get; set; }

    /// <summary>A static method (or capture-free lambda) each node worker runs before its first call; if it throws, the pool is broken.</summary>
    public Action? Initializer { get; set; }
}
