using ActorPool.Cluster.Security;
using ActorPool.Calls;
using ActorPool.Cluster.Protocol;
using ActorPool.Routing;
using ActorPool.Wire;
using ActorPool.WorkerProcess;
using Akka.Actor;
using static Akka.Cluster.ClusterEvent;

namespace ActorPool.Cluster.Coordinator;

/*
 * One worker actor on a worker node, as the router sees it (the cluster's WorkerProcessProxy):
 *
 *   PoolRouter ──WorkItem──► NodeWorkerProxy ──CallItem (Akka.Remote)──► CallRunner (on the node)
 *        ▲                     │ encodes, settles ◄──ResultBatch (reply key)─┘
 *        └────WorkerIdle───────┘
 *
 * It fails exactly the calls it holds, naming the node, when Akka.Cluster's failure detector reports the node
 * unreachable, when the node is removed, when DeathWatch sees the remote worker stop, or when the membership actor
 * learns that the node's process (a LocalNodeProcess of this one) exited; then it stops, and the
 * router (which does not replace cluster workers) carries on with the others. A node leaving gracefully is
 * drained instead: the router stops giving this proxy work, and once it acknowledges that and the calls held
 * are answered, the proxy releases the remote worker and stops.
 */
internal sealed class NodeWorkerProxy : UntypedActor
{
    private readonly IActorRef router;
    private readonly IActorRef remote;
    private readonly int pid;
    private readonly string callKey;
    private readonly string replyKey;
    private readonly Dictionary<long, WorkItem> inFlight = new();
    private readonly IActorRef stopper;
    private long nextId;
    private bool draining;
    private bool drainAcknowledged;

    public NodeWorkerProxy(IActorRef router, IActorRef remote, int pid, string callKey, string replyKey)
    {
        this.router = router;
        this.remote = remote;
        this.pid = pid;
        this.callKey = callKey;
        this.replyKey = replyKey;
        stopper = ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(remote.Path / CallRunner.StopperName);
    }

    /// <summary>From the membership actor: the node said it is leaving.</summary>
    public sealed record Drain
    {
        public static readonly Drain Instance = new();
    }

    /// <summary>From the membership actor: the node's process, a child of this one, has exited (<paramref name="What"/> says how).</summary>
    public sealed record NodeExited(string What);

    private Address Node => remote.Path.Address;

    public static Props Props(IActorRef router, IActorRef remote, int pid, string callKey, string replyKey) =>
        Akka.Actor.Props.Create(() => new NodeWorkerProxy(router, remote, pid, callKey, replyKey));

    protected override void PreStart()
    {
        Context.Watch(remote);
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(UnreachableMember), typeof(MemberRemoved), typeof(MemberLeft));
    }

    protected override void PostStop()
    {
        Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
        Fail("the executor stopped before the node answered");
        ClusterMembership.Resolve(remote.Path.Parent).Tell(new WorkerReleased(remote.Path.Name));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case WorkItem item:
                Send(item);
                break;
            case ResultBatch batch when Sender.Equals(remote) && ClusterSecret.Matches(batch.Key, replyKey):
                foreach (var result in batch.Results)
                {
                    if (result.Progress)
                    {
                        if (inFlight.TryGetValue(result.Id, out var running))
                        {
                            CallCodec.Progress(running, result); // before its answer, which follows in this batch or a later one
                        }
                    }
                    else if (inFlight.Remove(result.Id, out var item))
                    {
                        CallCodec.Settle(item, result);
                        router.Tell(new WorkerIdle(item), Self);
                    }
                }

                StopIfDrained();
                break;
            case StopCall stop when inFlight.FirstOrDefault(entry => entry.Value == stop.Item) is { Value: not null } held:
                stopper.Tell(new CancelCall(callKey, held.Key), Self); // overtakes the calls the node holds; ends one held unstarted
                break;
            case StopCall:
                break; // answered meanwhile
            case Drain:
            case MemberLeft left when left.Member.Address == Node:
                if (!draining)
                {
                    draining = true;
                    router.Tell(WorkerDraining.Instance, Self);
                }

                break;
            case DrainAcknowledged:
                drainAcknowledged = true;
                StopIfDrained();
                break;
            case UnreachableMember unreachable when unreachable.Member.Address == Node:
                Lose("became unreachable (Akka.Cluster's failure detector)");
                break;
            case NodeExited exited:
                Lose(exited.What);
                break;
            case MemberRemoved removed when removed.Member.Address == Node:
                Lose("was removed from the cluster");
                break;
            case Terminated terminated when terminated.ActorRef.Equals(remote):
                Lose("stopped its worker");
                break;
            case IClusterDomainEvent or Terminated or ResultBatch:
                break; // about other nodes, a late reply to a call already failed, or answers without the worker's key
            default:
                Unhandled(message);
                break;
        }
    }

    private void Send(WorkItem item)
    {
        if (CallCodec.PreparationError(item) is { } error)
        {
            item.Fail(error); // its arguments could not be serialized at Submit
            router.Tell(new WorkerIdle(item), Self);
            return;
        }

        var call = CallCodec.Encode(item, callKey, ++nextId);
        inFlight[call.Id] = item;
        remote.Tell(call, Self);
    }

    private void StopIfDrained()
    {
        if (draining && drainAcknowledged && inFlight.Count == 0)
        {
            Context.Stop(Self);
        }
    }

    private void Lose(string what)
    {
        Fail(what);
        Context.Stop(Self);
    }

    private void Fail(string what)
    {
        foreach (var item in inFlight.Values)
        {
            item.Fail(new BrokenClusterPoolException(
                $"Worker node {Node} (pid {pid}) {what} while this call was running or pending on it. Other nodes' calls are not affected.",
                Node.ToString()));
        }

        inFlight.Clear();
    }
}
