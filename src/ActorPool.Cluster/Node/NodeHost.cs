using ActorPool.Cluster.Configuration;
using ActorPool.Cluster.Security;
using ActorPool.Cluster.Protocol;
using ActorPool.Configuration;
using ActorPool.Security;
using ActorPool.WorkerProcess;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using static Akka.Cluster.ClusterEvent;

namespace ActorPool.Cluster.Node;

/*
 * The actor a worker node runs at /user/actorpool-node. Each executor that attaches, proving it knows the secret,
 * gets its own group of workers (CallRunner, one pinned thread each), which run its initializer and register
 * with it, each presenting its own proof (see ClusterSecret). A group lives as long as its executor's membership
 * actor (watched).
 *
 * Leaving gracefully (Drain, from coordinated shutdown): every attached executor is told NodeDraining; once each
 * has released every worker (or is gone), the node answers Drained and the shutdown goes on to leave the cluster.
 * When the last coordinator leaves the cluster, the node has no one to work for and shuts down.
 *
 * An executor whose payload limits exceed this node's could send it calls its transport drops (the frame) or that break
 * its own limit: the node answers AttachRefused naming its limits, logs the mismatch as an error and shuts down
 * (NodeRefusedReason: the node program exits with 3), rather than run for it. Its limits at least the executor's are
 * fine: results are bounded by the smaller of the two.
 */
internal sealed class NodeHost : UntypedActor
{
    public const string Name = "actorpool-node";

    private readonly string secret;
    private readonly int workers;
    private readonly PayloadLimits limits;
    private readonly AssemblyAllowList allowList;
    private readonly string coordinatorRole;
    private readonly Dictionary<IActorRef, HashSet<IActorRef>> groups = new();
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Akka.Cluster.Cluster cluster = Akka.Cluster.Cluster.Get(Context.System);
    private IActorRef? drainRequester;
    private bool draining;
    private bool refused;
    private bool shuttingDownForLimits;

    public NodeHost(string secret, int workers, PayloadLimits limits, AssemblyAllowList allowList, string coordinatorRole)
    {
        this.secret = secret;
        this.workers = workers;
        this.limits = limits;
        this.allowList = allowList;
        this.coordinatorRole = coordinatorRole;
    }

    /// <summary>From coordinated shutdown: let the executors finish with this node, then answer <see cref="Drained"/>.</summary>
    public sealed record Drain
    {
        public static readonly Drain Instance = new();
    }

    /// <summary>Every executor has released this node's workers.</summary>
    public sealed record Drained
    {
        public static readonly Drained Instance = new();
    }

    /// <param name="secret">The cluster's secret.</param>
    /// <param name="workers">Workers offered to each executor.</param>
    /// <param name="limits">This node's payload limit and frame size: an executor may ask for less, never more.</param>
    /// <param name="allowList">The assemblies whose methods the workers run.</param>
    /// <param name="coordinatorRole">The role whose last member leaving makes this node shut down.</param>
    public static Props Props(string secret, int workers, PayloadLimits limits, AssemblyAllowList allowList, string coordinatorRole) =>
        Akka.Actor.Props.Create(() => new NodeHost(secret, workers, limits, allowList, coordinatorRole));

    protected override void PreStart()
    {
        if (!(refused = RemoteDeploymentGuard.Refuses(Context, nameof(NodeHost))))
        {
            cluster.Subscribe(Self, SubscriptionInitialStateMode.InitialStateAsEvents, typeof(MemberRemoved));
        }
    }

    protected override void PostStop() => cluster.Unsubscribe(Self);

    protected override void OnReceive(object message)
    {
        if (refused)
        {
            return;
        }

        switch (message)
        {
            case AttachWorkers attach when !draining && ClusterSecret.Matches(attach.Proof, ClusterSecret.AttachProof(secret, attach.Nonce, Sender.Path, attach.Limits)):
                if (limits.Effective < attach.Limits.Effective)
                {
                    RefuseForLimits(attach);
                }
                else
                {
                    Attach(attach);
                }

                break;
            case AttachWorkers when !draining:
                log.Warning("{0} asked this node for workers without proving it knows the cluster's secret; it gets none.", Sender.Path);
                break;
            case WorkerReleased released:
                foreach (var group in groups.Values)
                {
                    if (group.FirstOrDefault(w => w.Path.Name == released.Worker) is { } worker)
                    {
                        group.Remove(worker);
                        Context.Stop(worker);
                    }
                }

                AnswerIfDrained();
                break;
            case Terminated terminated when groups.Remove(terminated.ActorRef, out var group):
                // The executor is gone (shut down, or its node crashed): its workers have no one to answer.
                foreach (var worker in group)
                {
                    Context.Stop(worker);
                }

                AnswerIfDrained();
                break;
            case Drain:
                draining = true;
                drainRequester = Sender;
                foreach (var executor in groups.Keys)
                {
                    executor.Tell(NodeDraining.Instance);
                }

                AnswerIfDrained();
                break;
            case MemberRemoved removed when removed.Member.HasRole(coordinatorRole) && !AnyCoordinatorLeft():
                if (cluster.IsTerminated || cluster.SelfMember.Status is MemberStatus.Down or MemberStatus.Removed)
                {
                    // Downed with it (this node's side of a partition downed everyone, itself included): the coordinator did
                    // not leave, this node was cut off. The cluster shuts the node down as downed; the first reason given to
                    // coordinated shutdown is the one it keeps, so giving Leaving here would make the node exit 0, as if stopped.
                    log.Warning("The coordinator ({0}) was removed with this worker node, which was downed; it shuts down.", removed.Member.Address);
                    CoordinatedShutdown.Get(Context.System).Run(CoordinatedShutdown.ClusterDowningReason.Instance);
                    break;
                }

                log.Warning("The last coordinator ({0}) left the cluster; this worker node has no one to work for and shuts down.", removed.Member.Address);
                CoordinatedShutdown.Get(Context.System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
                break;
            case AttachWorkers or Terminated or IClusterDomainEvent:
                break; // attach requests while leaving, executors already forgotten, other members
            default:
                Unhandled(message);
                break;
        }
    }

    private void Attach(AttachWorkers attach)
    {
        var executor = Sender;
        if (groups.Remove(executor, out var previous))
        {
            // Attached afresh (it lost sight of this node for a while): the old group's registrations were dropped.
            foreach (var worker in previous)
            {
                Context.Stop(worker);
            }
        }
        else
        {
            Context.Watch(executor);
        }

        var parentPath = executor.Path.ToString();
        var callKey = ClusterSecret.CallKey(secret, attach.Nonce);
        var replyKey = ClusterSecret.ReplyKey(secret, attach.Nonce);
        var group = new HashSet<IActorRef>();
        for (var i = 0; i < Math.Min(attach.Workers, workers); i++)
        {
            // The proof names the worker as the executor will see it: this node's address, then its path here.
            var name = $"worker-{Guid.NewGuid():N}";
            var proof = ClusterSecret.WorkerProof(secret, attach.Nonce, new RootActorPath(cluster.SelfAddress) / Self.Path.Elements / name);
            var props = CallRunner.Props(parentPath, callKey, replyKey, attach.Initializer, Math.Min(attach.Limits.Effective, limits.Effective), proof, allowList)
                .WithDispatcher(ActorPoolConfig.ProcessWorkerDispatcher);
            group.Add(Context.ActorOf(props, name));
        }

        groups[executor] = group;
    }

    private void RefuseForLimits(AttachWorkers attach)
    {
        var self = new RootActorPath(cluster.SelfAddress) / Self.Path.Elements;
        Sender.Tell(new AttachRefused(ClusterSecret.RefusalProof(secret, attach.Nonce, self, limits), limits.MaxPayloadSize, limits.FrameSize));
        var message =
            $"This worker node allows {limits}, less than the coordinator {Sender.Path.Address} allows ({attach.Limits}): it could not take every " +
            "call that coordinator sends. It refuses to work for it and shuts down. Give the node the coordinator's " +
            "actorpool.process-pool.max-payload-size and akka.remote.dot-netty.tcp.maximum-frame-size (--config).";
        log.Error(message);
        if (!shuttingDownForLimits)
        {
            shuttingDownForLimits = true;
            CoordinatedShutdown.Get(Context.System).Run(new NodeRefusedReason(message));
        }
    }

    private void AnswerIfDrained()
    {
        if (drainRequester is not null && groups.Values.All(g => g.Count == 0))
        {
            drainRequester.Tell(Drained.Instance);
            drainRequester = null;
        }
    }

    private bool AnyCoordinatorLeft() =>
        cluster.State.Members.Any(m => m.HasRole(coordinatorRole) && m.Status is MemberStatus.Up or MemberStatus.Joining or MemberStatus.WeaklyUp);
}
