using ActorPool.Hosting;
using ActorPool.Hosting.Services;

namespace ActorPool.Cluster.Hosting;

/// <summary>Gives the cluster pools of the hosted actor system as services, as <c>AddActorPool</c> gives the other executors.</summary>
public static class ClusterPoolServices
{
    /// <summary>
    /// Gives each cluster pool registered with the hosted actor system (<see cref="ClusterHostingExtensions.WithClusterPoolExecutor(Akka.Hosting.AkkaConfigurationBuilder, string, ClusterPoolExecutorOptions)"/>)
    /// as a <see cref="ClusterPoolExecutor"/> keyed by its name (<c>[FromKeyedServices("nodes")] ClusterPoolExecutor nodes</c>),
    /// and unkeyed when it is the only one: <c>services.AddActorPool(pool => pool.AddClusterPoolServices())</c>. As
    /// <see cref="Executor"/> they are given by <c>AddActorPool</c> alone. They exist once the host has started.
    /// </summary>
    public static ActorPoolBuilder AddClusterPoolServices(this ActorPoolBuilder pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ExecutorServices.AddExecutorType<ClusterPoolExecutor>(pool.Services);
        return pool;
    }
}
