using ActorPool.Cluster.Configuration;
using ActorPool.Routing;
using ActorPool.Wire;
using Akka.Actor;

namespace ActorPool.Cluster.Coordinator;

/// <summary>The router's view of a cluster pool: no workers of its own; they arrive from <see cref="ClusterMembership"/>.</summary>
internal sealed class ClusterPoolSpec(
    int maxWorkers, int prefetch, string secret, string workerRole, CallDescriptor? initializer, PayloadLimits limits, TimeSpan workerlessShutdownGrace,
    Microsoft.Extensions.Logging.ILogger log) : WorkerPoolSpec
{
    /// <summary>The executor's logger (<c>ActorPool.Cluster</c>).</summary>
    public Microsoft.Extensions.Logging.ILogger Log { get; } = log;

    public int MaxWorkers { get; } = maxWorkers;

    public string Secret { get; } = secret;

    public string WorkerRole { get; } = workerRole;

    public CallDescriptor? Initializer { get; } = initializer;

    /// <summary>The executor's payload limits, which every node it attaches must allow at least.</summary>
    public PayloadLimits Limits { get; } = limits;

    public ClusterView View { get; } = new();

    /// <summary>Which node each proxy stands for, so even a call the router fails for it names the node.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<IActorRef, (Address Node, int Pid)> NodesOfWorkers { get; } = new();

    public override int WorkerCount => 0;

    public override int Prefetch => prefetch;

    // A node shares no memory with the coordinator: it asks its proxy for each call sent ahead (pipelined claims).
    public override HandOverMode HandOverMode => HandOverMode.ClaimedOnRequest;

    public override bool ReplacesLostWorkers => false;

    public override TimeSpan? WorkerlessShutdownGrace => workerlessShutdownGrace;

    public override Props WorkerProps(int index) => throw new NotSupportedException("A cluster pool's workers come from its nodes.");

    public override void Started(IActorContext router) => router.ActorOf(ClusterMembership.Props(this, router.Self), "membership");

    protected override string InitializerFailedMessage => BrokenClusterPoolException.InitializerFailedMessage;

    protected override Exception BrokenError(string message, Exception? cause) => new BrokenClusterPoolException(message, cause);

    public override Exception WorkerLost(IActorRef worker, Exception? cause) =>
        NodesOfWorkers.TryGetValue(worker, out var node)
            ? new BrokenClusterPoolException(
                $"Worker node {node.Node} (pid {node.Pid}) was lost while holding this call: {cause?.Message ?? "its worker stopped"}. Other nodes' calls are not affected.",
                node.Node.ToString())
            : new BrokenClusterPoolException($"Node worker {worker.Path.Name} was lost while holding this call: {cause?.Message ?? "it stopped"}", cause);

    public override string? NodeOf(Exception death) => (death as BrokenClusterPoolException)?.Node;
}
