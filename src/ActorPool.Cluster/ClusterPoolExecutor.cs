using ActorPool.Cluster.Security;
using ActorPool.Cluster.Configuration;
using ActorPool.Calls;
using ActorPool.Cluster.Coordinator;
using ActorPool.Configuration;
using ActorPool.Logging;
using ActorPool.Wire;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ActorPool.Cluster;

/// <summary>
/// An <see cref="Executor"/> whose workers are actors on worker nodes that join through Akka.Cluster: on this
/// machine (<see cref="LocalNodeProcess"/>) or on others (<see cref="ClusterWorkerNode"/>). The router runs here and
/// learns nodes from cluster membership; a node that joins takes work at once, one that leaves gracefully finishes
/// what it holds, and one that crashes or becomes unreachable fails only the calls it held
/// (<see cref="BrokenClusterPoolException"/> naming it). Calls follow the process pool's rules: a static method or a
/// capture-free lambda from an assembly on the nodes' allow-list, arguments and results as JSON.
/// </summary>
public sealed class ClusterPoolExecutor : Executor
{
    private static int counter;

    private readonly ActorSystem system;
    private readonly bool ownsSystem;
    private readonly ClusterView view;
    private readonly long maxPayload;

    /// <summary>Starts the executor: in <paramref name="system"/> (a cluster member) or in an actor system of its own that nodes join.</summary>
    /// <param name="options">The secret, address, worker cap and initializer; see <see cref="ClusterPoolExecutorOptions"/>.</param>
    /// <param name="system">An actor system with <c>akka.actor.provider = cluster</c>, already joined, to run in (left running on
    /// <c>Dispose</c>); null makes one that joins itself as the cluster's first (seed) member, with the coordinator role.</param>
    public ClusterPoolExecutor(ClusterPoolExecutorOptions? options = null, ActorSystem? system = null)
        : base(options?.MaxWorkers is { } cap ? WorkerCount.Validate(cap) : int.MaxValue, "cluster", options?.Policy)
    {
        options ??= new ClusterPoolExecutorOptions();
        var secret = ClusterSecret.Resolve(options.Secret, "A ClusterPoolExecutor");
        if (system is not null && system is not ExtendedActorSystem { Provider: IClusterActorRefProvider })
        {
            throw new ArgumentException(
                "A cluster pool needs an actor system with akka.actor.provider = cluster (joined to the cluster its worker nodes join). " +
                "Pass such a system, or none and the executor makes its own.", nameof(system));
        }

        var init = options.Initializer is null ? null : CallDescriptor.For(options.Initializer, nameof(options.Initializer));
        ownsSystem = system is null;
        if (system is null)
        {
            var config = ClusterConfig.ForMember(options.Config, options.Hostname, options.Port, "coordinator-role");
            ClusterConfig.RequireTlsOffLoopback(config, "The ClusterPoolExecutor's actor system");
            system = LoggerFactorySetup.CreateSystem(config.GetString("actorpool.cluster.system-name"), config, options.LoggerFactory);
            Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress);
        }
        else
        {
            ClusterConfig.RequireTlsOffLoopback(system.Settings.Config, $"Actor system '{system.Name}'");
            system.Settings.InjectTopLevelFallback(ClusterConfig.RunningSystemDefaults);
            WarnIfNotACoordinator(system);
            ActorPoolConfig.WarnIfRemoteDeploymentAllowed(system, "A ClusterPoolExecutor");
        }

        this.system = system;
        UseLogging(options.LoggerFactory, system, LogCategories.Cluster);
        try
        {
            var root = system.Settings.Config;
            var limits = PayloadLimits.Of(root);
            maxPayload = limits.Effective;
            DefaultGracePeriod = ActorPoolConfig.GracePeriod(root);
            var spec = new ClusterPoolSpec(MaxWorkers, ActorPoolConfig.NotNegative(root, "cluster.prefetch"), secret, root.GetString("actorpool.cluster.worker-role"), init, limits,
                root.GetTimeSpan("actorpool.cluster.shutdown-without-workers-timeout", TimeSpan.FromSeconds(30)), Log);
            view = spec.View;
            StartRouter(system, spec, $"actorpool-cluster-pool-{Interlocked.Increment(ref counter)}", ActorPoolConfig.RouterDispatcher(root));
        }
        catch when (ownsSystem)
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(10)); // bad settings: do not leave our own system (and its port) behind
            throw;
        }
    }

    /// <summary>
    /// The split-brain strategy and the coordinator role took effect when the given system started, so they cannot
    /// be added now; without them a partition may down this member instead of the nodes cut off from it.
    /// </summary>
    private static void WarnIfNotACoordinator(ActorSystem system)
    {
        var config = system.Settings.Config;
        var role = config.GetString("actorpool.cluster.coordinator-role");
        var strategy = config.GetString("akka.cluster.split-brain-resolver.active-strategy", "");
        if (!Akka.Cluster.Cluster.Get(system).SelfRoles.Contains(role) || strategy != "keep-oldest")
        {
            system.Log.Warning(
                "ClusterPoolExecutor runs in system '{0}', which lacks the role '{1}' or the keep-oldest split-brain strategy (it has '{2}'): " +
                "then a partition may down this member, where the futures live, instead of the worker nodes. Give it the role and " +
                "akka.cluster.split-brain-resolver {{ active-strategy = keep-oldest, keep-oldest {{ role = \"{1}\", down-if-alone = off }} }} (see hocon/cluster.conf).",
                system.Name, role, strategy);
        }
    }

    /// <summary>This member's cluster address: what worker nodes are given as their seed (<c>--seed</c>).</summary>
    public Address Address => Akka.Cluster.Cluster.Get(system).SelfAddress;

    /// <summary>Node workers the executor can give calls to right now.</summary>
    public int Workers => view.Workers;

    /// <summary>Completes once at least <paramref name="count"/> node workers have joined and proved the secret.</summary>
    /// <exception cref="TimeoutException">They did not within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled first.</exception>
    public async Task WaitForWorkersAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        try
        {
            await view.WhenAtLeast(count).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"{view.Workers} of the {count} node workers waited for joined {Address} within {timeout}. " +
                "Check that the nodes were given this address as their seed and the same secret.");
        }
    }

    // Calls run on other nodes, where this executor object does not exist.
    private protected override bool IsWorkerThread => false;

    private protected override void Prepare(WorkItem item) => CallCodec.Prepare(item, maxPayload);

    private protected override async Task ReleaseAsync()
    {
        if (ownsSystem)
        {
            // Leave the cluster properly, so the nodes see a member leave rather than one crash.
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).ConfigureAwait(false);
            await system.WhenTerminated.ConfigureAwait(false);
        }
    }
}
