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
 *   PoolRouter ──WorkItem──► NodeWorkerProxy ──CallItem, ClaimAnswer (Akka.Remote)──► CallRunner (on the node)
 *        ▲                     │ claims, settles ◄──ClaimNext, ResultBatch (reply key)──┘
 *        └────WorkerIdle───────┘
 *
 * Pipelined claims: the router sends this proxy up to 1 + prefetch calls, which stay pending (and cancelable) here, each
 * held under a NodeCall claim. A call is granted (CallTicket.TryGrant, under the future's lock: the future is running from
 * then on) at once when the worker is idle; else when the node, starting the call before it, asks (ClaimNext) if it had
 * reached the node by then (ClaimNext.Seen counts this proxy's messages that had); else when the call before it is answered. The node runs a call sent ahead only once granted, and drops
 * it if refused (canceled or taken back meanwhile), so Cancel() stays exact. In a steady stream (prefetch 2 or more) the
 * next call is here when the one before it starts, so its answer travels while that one runs and the worker does not wait.
 * Claims are granted in the order sent, at most one call ahead of the one the node runs.
 *
 * It fails exactly the calls it granted, naming the node, when Akka.Cluster's failure detector reports the node
 * unreachable, when the node is removed, when DeathWatch sees the remote worker stop, or when the membership actor
 * learns that the node's process (a LocalNodeProcess of this one) exited; those not granted never ran
 * there and go back to the router, which runs them on other nodes. Then it stops, and the router (which does not replace
 * cluster workers) carries on with the others. A node leaving gracefully is drained instead: the router stops giving this
 * proxy work, and once it acknowledges that and the calls held are answered, the proxy releases the remote worker and stops.
 */
internal sealed class NodeWorkerProxy : UntypedActor
{
    private readonly IActorRef router;
    private readonly IActorRef remote;
    private readonly int pid;
    private readonly string callKey;
    private readonly string replyKey;
    // The calls the node worker holds, in the order sent: those granted (a prefix), then those that wait for a claim.
    private readonly List<NodeCall> held = new(2);
    private readonly IActorRef stopper;
    private long nextId;
    // Calls and claim answers sent to the node worker, which it counts the same way (ClaimNext.Seen).
    private long sent;
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
            case ClaimNext next when Sender.Equals(remote) && ClusterSecret.Matches(next.Key, replyKey):
                Started(next.Started, next.Seen);
                break;
            case ResultBatch batch when Sender.Equals(remote) && ClusterSecret.Matches(batch.Key, replyKey):
                Answered(batch);
                DecideFrom(0); // the call after the one answered, if not granted yet: the node waits for it now
                StopIfDrained();
                break;
            case StopCall stop when Find(stop.Item) is { } call:
                stopper.Tell(new CancelCall(callKey, call.Id), Self); // overtakes the calls the node holds; ends one granted and unstarted
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
            case IClusterDomainEvent or Terminated or ResultBatch or ClaimNext:
                break; // about other nodes, a late reply to a call already failed, or messages without the worker's key
            default:
                Unhandled(message);
                break;
        }
    }

    private void Send(WorkItem item)
    {
        if (CallCodec.PreparationError(item) is { } error)
        {
            // Its arguments could not be serialized at Submit: it fails alone here, unless the router took it back on its
            // way here (a canceled one is only notified).
            if (item.TryStart(Self) != HandOver.TakenBack)
            {
                item.Fail(error);
                router.Tell(new WorkerIdle(item), Self);
            }

            return;
        }

        var call = new NodeCall(item, ++nextId);
        if (item.Control is { } control)
        {
            control.Runner = Self; // before it can be granted: a stop request from then on comes here
        }

        switch (item.TryHold(Self, call))
        {
            case HandOver.TakenBack:
                return; // the router took it back on its way here (or this is a stale copy of it), and counted it
            case HandOver.NotPending:
                router.Tell(new WorkerIdle(item), Self); // canceled on its way here (and notified): this worker has room
                return;
        }

        held.Add(call);
        if (held.Count == 1)
        {
            // The worker is idle: granted now, it goes as granted, with no answer to wait for.
            switch (item.TryGrant(call))
            {
                case HandOver.TakenBack:
                    held.Clear();
                    return;
                case HandOver.NotPending:
                    held.Clear();
                    router.Tell(new WorkerIdle(item), Self);
                    return;
            }
        }

        // Else it waits for its claim: decided when the call before it starts, if it has reached the node by then; else when
        // that call is answered (the node then waits one round trip for it). A call that reaches the node after the one
        // before it started is thus not granted while that one runs, however long: it stays cancelable, and can be taken back.
        remote.Tell(CallCodec.Encode(item, callKey, call.Id, awaitsClaim: !call.HasStarted), Self);
        call.Sequence = ++sent;
    }

    /// <summary>
    /// The node worker is starting call <paramref name="id"/> (granted), having seen <paramref name="seen"/> of this proxy's
    /// messages: the call held after it is decided now if it had reached the node; one that had not is decided when this
    /// call is answered, so it is never granted behind a call that was already running when it arrived.
    /// </summary>
    private void Started(long id, long seen)
    {
        var index = IndexOf(id);
        if (index >= 0 && held[index] is { HasStarted: true, StartReported: false } started)
        {
            started.StartReported = true; // once: a repeated request decides nothing more
            DecideFrom(index + 1, seen);
        }
    }

    /// <summary>
    /// Decides the call held at <paramref name="index"/> if it waits for its claim (and, with <paramref name="seen"/>, had
    /// reached the node): grants it (the node runs it after the one before it), or refuses it if it was canceled or taken
    /// back meanwhile, and then decides the one after it the same way.
    /// </summary>
    private void DecideFrom(int index, long seen = long.MaxValue)
    {
        while (index < held.Count && !held[index].HasStarted && held[index].Sequence <= seen)
        {
            var call = held[index];
            var handOver = call.Item.TryGrant(call);
            remote.Tell(new ClaimAnswer(callKey, call.Id, handOver == HandOver.Accepted), Self);
            sent++;
            if (handOver == HandOver.Accepted)
            {
                return;
            }

            held.RemoveAt(index);
            if (handOver == HandOver.NotPending)
            {
                router.Tell(new WorkerIdle(call.Item), Self); // canceled (its waiters are notified) or failed: this worker has room
            }

            // Taken back: the router gave it to another worker and counted this one's room free.
        }
    }

    private void Answered(ResultBatch batch)
    {
        foreach (var result in batch.Results)
        {
            var index = IndexOf(result.Id);
            if (index < 0 || !held[index].HasStarted)
            {
                continue; // a late reply to a call already failed; or for a call never granted, which the node must not run
            }

            var call = held[index];
            if (result.Progress)
            {
                CallCodec.Progress(call.Item, result); // before its answer, which follows in this batch or a later one
                continue;
            }

            held.RemoveAt(index);
            CallCodec.Settle(call.Item, result);
            router.Tell(new WorkerIdle(call.Item), Self);
        }
    }

    private int IndexOf(long id)
    {
        for (var i = 0; i < held.Count; i++)
        {
            if (held[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    private NodeCall? Find(WorkItem item)
    {
        foreach (var call in held)
        {
            if (call.Item == item)
            {
                return call;
            }
        }

        return null;
    }

    private void StopIfDrained()
    {
        if (draining && drainAcknowledged && held.Count == 0)
        {
            Context.Stop(Self);
        }
    }

    private void Lose(string what)
    {
        Fail(what);
        Context.Stop(Self);
    }

    /// <summary>
    /// Fails the calls granted to the node worker, which may have run there; gives back those it held unclaimed, which
    /// never ran there (the node runs only what is granted), so the router runs them on another node.
    /// </summary>
    private void Fail(string what)
    {
        foreach (var call in held)
        {
            if (call.Item.TryGiveBack(Self) != false)
            {
                continue; // unclaimed: the router requeues it; or no longer this worker's
            }

            call.Item.IsPendingOrNotifyCancel(); // one canceled meanwhile is notified, not failed
            call.Item.Fail(new BrokenClusterPoolException(
                $"Worker node {Node} (pid {pid}) {what} while this call was running on it. Other nodes' calls are not affected.",
                Node.ToString()));
        }

        held.Clear();
    }
}
