using ActorPool.Tests.Cluster;
using ActorPool.Tests.Contract;
using ActorPool.Tests.ProcessPool;
using ActorPool.Tests.Support;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorPool.Cluster;
using ActorPool.Configuration;
using Akka.Actor;
using Akka.Configuration;
using Xunit.Abstractions;

namespace ActorPool.Tests.Security;

/// <summary>
/// A real attacker process (tests/Attacker: same user, ActorPool's code, none of the app's secrets) against a real app
/// (tests/AttackTarget: a process pool of two workers and its spares, in a process of its own) and a real cluster.
/// </summary>
[Trait("Category", "Slow")] // attacker and target processes
public sealed class SecurityTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly List<TestProgram> programs = [];
    private readonly string marker = Path.Combine(Path.GetTempPath(), $"actorpool-attack-{Guid.NewGuid():N}");

    public void Dispose()
    {
        programs.ForEach(p => p.Dispose());
        File.Delete(marker);
    }

    [Fact]
    public void RemoteDeploymentAndPoisonPill_IntoParentWorkersAndSpares_AreRefusedAndThePoolGoesOn()
    {
        var (target, parent) = StartTarget();
        var workers = WaitForWorkersAndSpares(target);
        var addresses = workers.Select(w => $"akka.loopback://actorpool-worker@127.0.0.1:{Port(w)}").Prepend(parent).ToArray();

        var attack = Attack(["deploy", marker, .. addresses]);
        var poison = workers.Select(w => Attack("poison", $"akka.loopback://actorpool-worker@127.0.0.1:{Port(w)}", "/user/worker")).ToList();

        Assert.Equal("did not run", attack.Expect("outcome ", Bound));
        poison.ForEach(p => p.Expect("sent", Bound));
        Assert.All(workers, w => Assert.True(OsProcesses.IsRunning(w), $"worker process {w} is gone"));
        Assert.DoesNotContain(attack.Seen, line => line.StartsWith("deployed", StringComparison.Ordinal));
        Assert.False(File.Exists(marker), "the attacker's call ran in the pool's processes");
        target.Send("call 7");
        Assert.Equal("7", target.Expect("result ", Bound));
    }

    /// <summary>
    /// In an app's own system the app's settings hold: with Akka's default (untrusted mode off) the attacker's
    /// deployment does reach the system (which shows the attack is real), and ActorPool's worker refuses to start there;
    /// with untrusted mode on, it is dropped before that.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RemoteDeployment_IntoAnAppsOwnSystem_ProcessWorkerRefusesToStartThere(bool untrusted)
    {
        using var system = ActorSystem.Create("open", ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote.enabled-transports = ["akka.remote.dot-netty.tcp"]
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            akka.remote.untrusted-mode = {{(untrusted ? "on" : "off")}}
            akka.loglevel = WARNING
            akka.stdout-loglevel = OFF
            """).WithFallback(ActorPoolConfig.ProcessSystemConfig));
        var warnings = new System.Collections.Concurrent.ConcurrentQueue<string>();
        system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new Collector(warnings))), typeof(Akka.Event.Warning));
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString();

        var attack = Attack("deploy", marker, address);

        Assert.Equal("did not run", attack.Expect("outcome ", Bound));
        Assert.False(File.Exists(marker), "the attacker's call ran in the app's system");
        Assert.DoesNotContain(attack.Seen, line => line.StartsWith("deployed", StringComparison.Ordinal));
        Assert.Equal(!untrusted, warnings.Any(w => w.Contains("Refused to start CallRunner", StringComparison.Ordinal)));
    }

    private sealed class Collector(System.Collections.Concurrent.ConcurrentQueue<string> into) : UntypedActor
    {
        protected override void OnReceive(object message) => into.Enqueue(message.ToString() ?? "");
    }

    [Fact]
    public async Task RemoteDeploymentPoisonPillAndSuspend_IntoCoordinatorAndNode_AreRefusedAndTheClusterGoesOn()
    {
        using var cluster = new LocalCluster();
        using var executor = new ClusterPoolExecutor(new ClusterPoolExecutorOptions { Secret = cluster.Secret });
        var node = cluster.StartNode(executor.Address, workers: 1);
        Assert.Equal(node.Pid, executor.Submit(ProcessCalls.Pid).Result(Bound));
        var nodeAddress = $"akka.tcp://{executor.Address.System}@127.0.0.1:{Port(node.Pid)}";

        var deploy = Attack("deploy", marker, executor.Address.ToString(), nodeAddress);
        var poison = Attack("poison", nodeAddress, "/user/actorpool-node", "/system/cluster/core/daemon");
        // The executor's router, its membership actor and the node worker's proxy, on the coordinator.
        var proxy = await ProxyOfTheOnlyWorker(executor);
        var suspend = Attack("suspend", executor.Address.ToString(), Local(proxy.Path.Parent.Parent), Local(proxy.Path.Parent), Local(proxy.Path), "/system/cluster/core/daemon");

        Assert.Equal("did not run", deploy.Expect("outcome ", Bound));
        Assert.DoesNotContain(deploy.Seen, line => line.StartsWith("deployed", StringComparison.Ordinal));
        Assert.False(File.Exists(marker), "the attacker's call ran on a cluster member");
        poison.Expect("sent", Bound);
        suspend.Expect("sent", Bound);
        Assert.Equal(node.Pid, executor.Submit(ProcessCalls.Pid).Result(Bound));
        Assert.False(node.HasExited);
    }

    [Fact]
    public async Task ForgedResults_ClaimingToComeFromANodesWorker_AreIgnored()
    {
        using var cluster = new LocalCluster();
        using var executor = new ClusterPoolExecutor(new ClusterPoolExecutorOptions { Secret = cluster.Secret });
        var node = cluster.StartNode(executor.Address, workers: 1);
        using var probe = new Probe(blocks: static _ => true);
        var running = executor.Submit(ProcessCalls.PidThenStep, probe.Key, 0);
        var forgedProgress = 0;
        running.AddProgressCallback<int>(_ => Interlocked.Increment(ref forgedProgress)); // the call reports none
        probe.WaitForStarts(1);
        // The proxy of the node's one worker, on the coordinator, and the worker it stands for, on the node.
        var proxy = await ProxyOfTheOnlyWorker(executor);
        var workerName = proxy.Path.Name[..proxy.Path.Name.LastIndexOf('-')];
        var worker = $"akka.tcp://{executor.Address.System}@127.0.0.1:{Port(node.Pid)}/user/actorpool-node/{workerName}";

        Attack("forge", proxy.Path.ToStringWithAddress(executor.Address), worker, "666").Expect("sent", Bound);

        Assert.False(running.IsDone, "a forged answer settled the call");
        probe.Open();
        Assert.Equal(node.Pid, running.Result(Bound));
        Assert.Equal(0, Volatile.Read(ref forgedProgress)); // a forged progress value reached no callback
    }

    [Fact]
    public async Task ForgedStopRequests_ToANodesStopActor_AreIgnored()
    {
        using var cluster = new LocalCluster();
        using var executor = new ClusterPoolExecutor(new ClusterPoolExecutorOptions { Secret = cluster.Secret });
        var node = cluster.StartNode(executor.Address, workers: 1);
        using var probe = new Probe();
        using var source = new CancellationTokenSource();
        var running = executor.Submit(StopCalls.WaitForToken, probe.Key, 1, new CallOptions { CancellationToken = source.Token });
        probe.WaitForStarts(1);
        var proxy = await ProxyOfTheOnlyWorker(executor);
        var workerName = proxy.Path.Name[..proxy.Path.Name.LastIndexOf('-')];
        var stopper = $"akka.tcp://{executor.Address.System}@127.0.0.1:{Port(node.Pid)}/user/actorpool-node/{workerName}/stop";

        Attack("cancel", stopper).Expect("sent", Bound);

        Assert.False(running.IsDone, "a stop request without the pool's secret stopped the call");
        source.Cancel(); // the real one does
        Assert.Throws<OperationCanceledException>(() => running.Result(Bound));
    }

    [Fact]
    public void BigFrameHeadersAndIdleConnections_LeaveParentAndWorkerWithinBoundsAndAnswering()
    {
        var (target, parent) = StartTarget();
        var worker = WaitForWorkersAndSpares(target)[0];
        var before = Measure(target.Pid, worker);

        var onParent = Attack("flood", ParentPort(parent).ToString(CultureInfo.InvariantCulture), "10", "1000");
        var onWorker = Attack("flood", Port(worker).ToString(CultureInfo.InvariantCulture), "10", "1000");
        onParent.Expect("holding", Bound);
        onWorker.Expect("holding", Bound);
        var during = Measure(target.Pid, worker);
        target.Send("call 5");
        var answer = target.Expect("result ", Bound);
        onParent.CloseInput();
        onWorker.CloseInput();

        output.WriteLine($"before: {before}; under attack: {during}");
        Assert.Equal("5", answer);
        Assert.InRange(during.ParentThreads - before.ParentThreads, int.MinValue, 50);
        Assert.InRange(during.WorkerThreads - before.WorkerThreads, int.MinValue, 50);
        Assert.InRange(during.ParentBytes - before.ParentBytes, long.MinValue, 64L << 20);
        Assert.InRange(during.WorkerBytes - before.WorkerBytes, long.MinValue, 64L << 20);
    }

    [Fact]
    public void Garbage_OnEveryPort_IsDroppedWithoutAStackTraceAndThePoolGoesOn()
    {
        var (target, parent) = StartTarget();
        var ports = WaitForWorkersAndSpares(target).Select(Port).Prepend(ParentPort(parent));

        foreach (var port in ports)
        {
            Attack("garbage", port.ToString(CultureInfo.InvariantCulture)).Expect("sent", Bound);
        }

        target.Send("call 3");
        Assert.Equal("3", target.Expect("result ", Bound));
        Assert.DoesNotContain("   at ", target.Errors + string.Join('\n', target.Seen), StringComparison.Ordinal);
    }

    [Fact]
    public void OutOfFileDescriptors_ThenAWorkerKilled_PoolComesBackToFullStrength()
    {
        var (target, parent) = StartTarget();
        target.Send("pids");
        var pids = target.Expect("pids ", Bound).Split(' ').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        target.Send("exhaust");
        target.Expect("exhausted", Bound);
        // Connections the listener cannot accept while the process has no descriptor left: accept fails with EMFILE.
        var knocking = Enumerable.Range(0, 3).Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)).ToList();
        knocking.ForEach(s => s.Connect(IPAddress.Loopback, ParentPort(parent)));
        Thread.Sleep(1000);
        target.Send("release");
        target.Expect("released", Bound);
        knocking.ForEach(s => s.Dispose());

        OsProcesses.Kill(pids[0]);

        // The replacement must connect to the parent and register: two calls at once land on two live workers again.
        var deadline = DateTime.UtcNow + Bound;
        int[] now;
        do
        {
            Thread.Sleep(200);
            target.Send("pids");
            now = target.Expect("pids ", Bound).Split(' ').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        }
        while ((now[0] == now[1] || now.Contains(pids[0])) && DateTime.UtcNow < deadline);

        Assert.NotEqual(now[0], now[1]);
        Assert.DoesNotContain(pids[0], now);
    }

    private (TestProgram Target, string Parent) StartTarget()
    {
        var target = TestProgram.Start("AttackTarget");
        programs.Add(target);
        var parent = target.Expect("parent ", Bound);
        target.Expect("ready", Bound);
        return (target, parent);
    }

    private TestProgram Attack(params string[] args)
    {
        var attacker = TestProgram.Start("Attacker", args);
        programs.Add(attacker);
        return attacker;
    }

    /// <summary>The target's worker processes, once its two workers and two spares are all listening.</summary>
    private static List<int> WaitForWorkersAndSpares(TestProgram target)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var children = ProcFs.Children(target.Pid).Where(c => ProcFs.ListeningPorts(c).Count > 0).ToList();
            if (children.Count >= 4)
            {
                return children;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the target has {children.Count} listening worker processes, not 4 (two workers, two spares)");
            Thread.Sleep(100);
        }
    }

    private static int Port(int pid) => Assert.Single(ProcFs.ListeningPorts(pid));

    /// <summary>The coordinator's proxy for its one node worker (the executor's system is private: reached by reflection).</summary>
    private static Task<IActorRef> ProxyOfTheOnlyWorker(ClusterPoolExecutor executor)
    {
        var system = (ActorSystem)typeof(ClusterPoolExecutor).GetField("system", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(executor)!;
        return system.ActorSelection("/user/*/membership/*").ResolveOne(Bound);
    }

    private static string Local(ActorPath path) => "/" + string.Join('/', path.Elements);

    private static int ParentPort(string address) => Akka.Actor.Address.Parse(address).Port!.Value;

    private static Usage Measure(int parent, int worker) =>
        new(ProcFs.Threads(parent), ProcFs.ResidentBytes(parent), ProcFs.Threads(worker), ProcFs.ResidentBytes(worker));

    private sealed record Usage(int ParentThreads, long ParentBytes, int WorkerThreads, long WorkerBytes);
}
