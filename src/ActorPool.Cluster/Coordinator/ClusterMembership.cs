using ActorPool.Cluster.Logging;
using ActorPool.Cluster.Security;
using ActorPool.Cluster.Node;
using ActorPool.Cluster.Protocol;
using ActorPool.Routing;
using ActorPool.Wire;
using Akka.Actor;
using Akka.Cluster;
using static Akka.Cluster.ClusterEvent;

namespace ActorPool.Cluster.Coordinator;

/*
 * A cluster executor's view of its worker nodes, a child of its router. It learns nodes from Akka.Cluster's
 * membership events, never from a node's say-so:
 *
 *   MemberUp (worker role) ──► AttachWorkers(nonce, this actor's proof) to the node's NodeHost
 *   each worker the node starts ──RegisterWorker(proof)──► checked: sent by that worker, from that node, with
 *        HMAC(secret, nonce ‖ worker path) (see ClusterSecret);
 *        a good proof: a NodeWorkerProxy is started for it and handed to the router (AddWorker);
 *        a bad one: the node gets no work, and a warning says so.
 *   AttachRefused(proof) from a node whose payload limits are below this executor's ──► a warning naming both;
 *        the node gets no work, and shuts itself down
 *   NodeDraining from a node ──► its proxies drain
 *   ReachableMember again after being unreachable ──► attached afresh (its proxies were failed and stopped)
 *   a LocalNodeProcess of this process exits (LocalNodeExits) ──► the member with its role: its proxies fail what they
 *        hold at once, and it is downed, so membership agrees without waiting for the failure detector
 *
 * With maxWorkers set, workers registered beyond it wait as spares and replace proxies that go away.
 */
internal sealed class ClusterMembership : UntypedActor
{
    private sealed class Node(string nonce, string callKey, string replyKey)
    {
        public string Nonce { get; } = nonce;

        /// <summary>What this attachment's calls carry instead of the secret.</summary>
        public string CallKey { get; } = callKey;

        /// <summary>What its workers' answers carry.</summary>
        public string ReplyKey { get; } = replyKey;

        public HashSet<IActorRef> Proxies { get; } = [];

        public bool Draining { get; set; }

        public bool WarnedAboutSecret { get; set; }
    }

    private readonly ClusterPoolSpec spec;
    private readonly IActorRef router;
    private readonly Dictionary<Address, Node> nodes = new();
    private readonly Dictionary<IActorRef, Address> proxies = new();
    private readonly Queue<(Address Node, RegisterWorker Worker)> spares = new();
    private readonly HashSet<IActorRef> registered = [];
    private readonly Akka.Cluster.Cluster cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly Action<LocalNodeExit> localNodeExited;

    public ClusterMembership(ClusterPoolSpec spec, IActorRef router)
    {
        this.spec = spec;
        this.router = router;
        var self = Self;
        localNodeExited = exit => self.Tell(exit);
    }

    public static Props Props(ClusterPoolSpec spec, IActorRef router) => Akka.Actor.Props.Create(() => new ClusterMembership(spec, router));

    // A proxy that throws has lost its in-flight table: stop it, so the router fails what it held.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        cluster.Subscribe(Self, SubscriptionInitialStateMode.InitialStateAsEvents, typeof(MemberUp), typeof(MemberRemoved), typeof(UnreachableMember), typeof(ReachableMember));
        LocalNodeExits.Subscribe(localNodeExited);
    }

    protected override void PostStop()
    {
        LocalNodeExits.Unsubscribe(localNodeExited);
        cluster.Unsubscribe(Self);
        while (spares.TryDequeue(out var spare))
        {
            Release(spare.Worker.Worker);
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case MemberUp up when up.Member.HasRole(spec.WorkerRole):
                Attach(up.Member.Address);
                break;
            case ReachableMember back when back.Member.HasRole(spec.WorkerRole) && back.Member.Status == MemberStatus.Up:
                Attach(back.Member.Address);
                break;
            case UnreachableMember unreachable:
                if (nodes.ContainsKey(unreachable.Member.Address))
                {
                    ClusterLog.NodeUnreachable(spec.Log, unreachable.Member.Address);
                }

                Forget(unreachable.Member.Address);
                break;
            case MemberRemoved removed:
                if (nodes.ContainsKey(removed.Member.Address))
                {
                    ClusterLog.NodeLeft(spec.Log, removed.Member.Address);
                }

                Forget(removed.Member.Address);
                break;
            case LocalNodeExit exit:
                LocalNodeExited(exit);
                break;
            case RegisterWorker register when register.Worker.Equals(Sender) && registered.Contains(register.Worker):
                break; // a duplicate (a replay, or a retry): that worker is already in the pool
            case RegisterWorker register when register.Worker.Equals(Sender) && nodes.TryGetValue(Sender.Path.Address, out var node) && Proves(register.Secret, node, register.Worker):
                registered.Add(register.Worker);
                Register(Sender.Path.Address, register);
                break;
            case RegisterWorker register:
                Refuse(Sender.Path.Address, register);
                break;
            case AttachRefused refused when nodes.TryGetValue(Sender.Path.Address, out var node)
                                           && ClusterSecret.Matches(refused.Proof, ClusterSecret.RefusalProof(spec.Secret, node.Nonce, Sender.Path, refused.Limits)):
                ClusterLog.NodeLimitsRefused(spec.Log, Sender.Path.Address, refused.Limits.ToString(), spec.Limits.ToString());
                Forget(Sender.Path.Address);
                break;
            case WorkerInitializerFailed failed when nodes.TryGetValue(Sender.Path.Address, out var node) && Proves(failed.Secret, node, Sender):
                ClusterLog.InitializerFailed(spec.Log, Sender.Path.Address, failed.ProcessId, $"{failed.Error.TypeName}: {failed.Error.Message}");
                router.Tell(new InitializerFailed(new BrokenClusterPoolException(
                    $"The initializer failed on worker node {Sender.Path.Address} (pid {failed.ProcessId}): {failed.Error.Message}", failed.Error.ToException())));
                Release(Sender); // the node need not keep it for a broken pool (nor wait for it when it leaves)
                break;
            case NodeDraining when nodes.TryGetValue(Sender.Path.Address, out var node):
                ClusterLog.NodeDraining(spec.Log, Sender.Path.Address);
                node.Draining = true;
                foreach (var proxy in node.Proxies)
                {
                    proxy.Tell(NodeWorkerProxy.Drain.Instance);
                }

                ReleaseSpares(Sender.Path.Address);
                UpdateView();
                break;
            case Terminated terminated when proxies.Remove(terminated.ActorRef, out var address):
                if (nodes.TryGetValue(address, out var owner))
                {
                    owner.Proxies.Remove(terminated.ActorRef);
                }

                PromoteSpare();
                UpdateView();
                break;
            case IClusterDomainEvent or WorkerInitializerFailed or NodeDraining or Terminated or AttachRefused:
                break; // other members, or nodes already forgotten
            default:
                Unhandled(message);
                break;
        }
    }

    private void Attach(Address address)
    {
        var nonce = ClusterSecret.NewNonce();
        var node = new Node(nonce, ClusterSecret.CallKey(spec.Secret, nonce), ClusterSecret.ReplyKey(spec.Secret, nonce));
        nodes[address] = node;
        // The node sees this actor's path with this member's address in it, so the proof names it that way.
        var proof = ClusterSecret.AttachProof(spec.Secret, nonce, new RootActorPath(cluster.SelfAddress) / Self.Path.Elements, spec.Limits);
        // By reference, not selection: every member refuses inbound actor selections (untrusted mode).
        Resolve(new RootActorPath(address) / "user" / NodeHost.Name)
            .Tell(new AttachWorkers(nonce, proof, spec.MaxWorkers, spec.Initializer, spec.Limits.MaxPayloadSize, spec.Limits.FrameSize));
    }

    /// <summary>
    /// A node process this process started has ended: its calls fail now, not when the failure detector notices. Its
    /// member is downed (a process that exited never comes back under the same identity), so membership agrees, and the
    /// leader need not wait for a dead member to converge. Every executor here downs it; that is idempotent. A node that
    /// was leaving gracefully exits as planned: nothing to warn about, and it leaves the cluster on its own, which
    /// forgets it as any node that left; only a call it still held (past its drain timeout) fails now.
    /// </summary>
    private void LocalNodeExited(LocalNodeExit exit)
    {
        if (cluster.State.Members.FirstOrDefault(m => m.Roles.Contains(exit.Role)) is not { } member)
        {
            return; // it never joined this cluster, or has left it already
        }

        var address = member.Address;
        var planned = member.Status is MemberStatus.Leaving or MemberStatus.Exiting || (nodes.TryGetValue(address, out var known) && known.Draining);
        if (nodes.TryGetValue(address, out var node))
        {
            if (!planned)
            {
                ClusterLog.NodeProcessExited(spec.Log, address, exit.Pid, exit.Describe());
            }

            foreach (var proxy in node.Proxies)
            {
                proxy.Tell(new NodeWorkerProxy.NodeExited(exit.Describe()));
            }

            if (!planned)
            {
                Forget(address);
            }
        }

        if (!planned && member.Status is MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up)
        {
            cluster.Down(address);
        }
    }

    private void Forget(Address address)
    {
        nodes.Remove(address); // its proxies fail their own calls: they watch the same events
        ReleaseSpares(address);
        UpdateView();
    }

    private bool Proves(string presented, Node node, IActorRef worker) =>
        ClusterSecret.Matches(presented, ClusterSecret.WorkerProof(spec.Secret, node.Nonce, worker.Path));

    private void Register(Address address, RegisterWorker register)
    {
        var node = nodes[address];
        ClusterLog.WorkerJoined(spec.Log, address, register.ProcessId);
        if (node.Draining)
        {
            Release(register.Worker); // registered after its node said it is leaving: the node must not wait for it
            return;
        }

        if (proxies.Count >= spec.MaxWorkers)
        {
            spares.Enqueue((address, register));
            return;
        }

        var proxy = Context.ActorOf(NodeWorkerProxy.Props(router, register.Worker, register.ProcessId, node.CallKey, node.ReplyKey), $"{register.Worker.Path.Name}-{proxies.Count}");
        spec.NodesOfWorkers[proxy] = (address, register.ProcessId);
        Context.Watch(proxy);
        proxies[proxy] = address;
        nodes[address].Proxies.Add(proxy);
        router.Tell(new AddWorker(proxy));
        UpdateView();
    }

    /// <summary>Publishes how many workers take new calls: a draining node's are still finishing, but take none.</summary>
    private void UpdateView() => spec.View.Set(nodes.Values.Where(n => !n.Draining).Sum(n => n.Proxies.Count));

    private void PromoteSpare()
    {
        while (proxies.Count < spec.MaxWorkers && spares.TryDequeue(out var spare))
        {
            if (nodes.TryGetValue(spare.Node, out var node) && !node.Draining)
            {
                Register(spare.Node, spare.Worker);
            }
            else
            {
                Release(spare.Worker.Worker);
            }
        }
    }

    private void ReleaseSpares(Address address)
    {
        registered.RemoveWhere(w => w.Path.Address == address);
        var kept = spares.Where(s => s.Node != address).ToList();
        foreach (var (_, worker) in spares.Where(s => s.Node == address))
        {
            Release(worker.Worker);
        }

        spares.Clear();
        kept.ForEach(spares.Enqueue);
    }

    /// <summary>Tells a node its worker will get nothing from this executor, so the node can stop it.</summary>
    private static void Release(IActorRef worker) => Resolve(worker.Path.Parent).Tell(new WorkerReleased(worker.Path.Name));

    /// <summary>An actor on another member, by its path: a reference, which untrusted mode lets through, where a selection would be dropped.</summary>
    internal static IActorRef Resolve(ActorPath path) => ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(path);

    private void Refuse(Address address, RegisterWorker register)
    {
        if (nodes.TryGetValue(address, out var node) && !node.WarnedAboutSecret)
        {
            node.WarnedAboutSecret = true;
            ClusterLog.SecretRefused(spec.Log, address, register.ProcessId);
        }

        if (register.Worker.Equals(Sender))
        {
            Release(register.Worker); // a node we forgot (unreachable meanwhile) or one without the secret; never one a third party names
        }
    }
}
