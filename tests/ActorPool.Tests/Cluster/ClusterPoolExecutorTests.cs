using ActorPool.Cluster.Configuration;
using ActorPool.Tests.Contract;
using ActorPool.Tests.ProcessPool;
using System.Diagnostics;
using ActorPool.Cluster;
using Akka.Actor;
using Akka.Cluster;
using ActorPool.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ActorPool.Tests.Cluster;

/// <summary>
/// What only <see cref="ClusterPoolExecutor"/> does, with a coordinator in this process and worker nodes in real
/// child processes on 127.0.0.1: nodes joining mid-run, killed with SIGKILL, leaving gracefully, lacking the
/// secret, or refusing a method outside their allow-list. Each test has a cluster of its own.
/// </summary>
public sealed class ClusterPoolExecutorTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = Probe.Bound;

    private readonly LocalCluster cluster = new();
    private readonly List<ClusterPoolExecutor> executors = [];
    private readonly List<ActorSystem> systems = [];

    /// <summary>Shuts down the executors, then the nodes, then the systems the test made; any of them stuck fails the test, after the rest is cleaned up.</summary>
    public void Dispose()
    {
        var stuck = new List<string>();
        foreach (var executor in executors)
        {
            executor.Shutdown(wait: false, cancelFutures: true);
            if (!executor.ShutdownAsync().Wait(Bound))
            {
                stuck.Add($"An executor at {executor.Address} did not shut down within {Bound}.");
            }
        }

        try
        {
            cluster.Dispose();
        }
        catch (TimeoutException e)
        {
            stuck.Add(e.Message);
        }

        foreach (var system in systems)
        {
            if (!system.Terminate().Wait(Bound))
            {
                stuck.Add($"Actor system {system.Name} did not terminate within {Bound}.");
            }
        }

        if (stuck.Count > 0)
        {
            throw new TimeoutException($"Teardown: {string.Join(" ", stuck)}");
        }
    }

    private ClusterPoolExecutor Coordinator(int? maxWorkers = null, LogCapture? log = null)
    {
        var executor = new ClusterPoolExecutor(new ClusterPoolExecutorOptions { Secret = cluster.Secret, MaxWorkers = maxWorkers, LoggerFactory = log?.Factory });
        executors.Add(executor);
        return executor;
    }

    private ClusterPoolExecutor Coordinator(ActorSystem system)
    {
        var executor = new ClusterPoolExecutor(new ClusterPoolExecutorOptions { Secret = cluster.Secret }, system);
        executors.Add(executor);
        return executor;
    }

    /// <summary>A coordinator's actor system as <see cref="ClusterPoolExecutor"/> makes its own, joined to itself; terminated after the nodes.</summary>
    private ActorSystem CoordinatorSystem(Akka.Configuration.Config? config = null)
    {
        config = ClusterConfig.ForMember(config, null, null, "coordinator-role");
        var system = ActorSystem.Create(config.GetString("actorpool.cluster.system-name"), config);
        systems.Add(system);
        var self = Akka.Cluster.Cluster.Get(system);
        self.Join(self.SelfAddress);
        return system;
    }

    [Fact]
    public async Task LocalNode_ItsOutputReachesTheCallbackWithoutTheContextOfTheCodeThatStartedIt()
    {
        // Its output readers and exit watch outlive the code that starts it, which may be a request's.
        var executor = Coordinator(1);
        var seen = new TaskCompletionSource<(string?, string?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var node = InsideARequest.Make(() => LocalNodeProcess.Start(executor.Address, cluster.Secret, workers: 1,
            output: _ => seen.TrySetResult(InsideARequest.Seen())));

        using (node)
        {
            Assert.Equal((null, null), await seen.Task.WaitAsync(Bound)); // a TimeoutException if it wrote nothing
        }
    }

    [Fact]
    [Trait("Category", "Slow")] // worker node processes
    public void Submit_NodeJoinsMidRun_ItTakesQueuedWorkAtOnce()
    {
        var executor = Coordinator();
        var first = cluster.StartNode(executor.Address, workers: 2);
        using var probe = new Probe(blocks: static _ => true);
        var futures = Enumerable.Range(0, 6).Select(i => executor.Submit(ProcessCalls.PidThenStep, probe.Key, i)).ToList();
        probe.WaitForStarts(2); // the first node's two workers are busy; four calls wait in the queue

        var second = cluster.StartNode(executor.Address, workers: 2);
        probe.WaitForStarts(4); // the newcomer took two of the queued calls without anyone asking
        probe.Open();

        var pids = futures.Select(f => f.Result(Bound)).ToList();
        Assert.Contains(second.Pid, pids);
        Assert.Contains(first.Pid, pids);
        Assert.Equal(4, executor.Workers);
    }

    [Fact]
    [Trait("Category", "Slow")] // a worker node process
    public async Task Cancel_CallSentAheadToANodeAndNotYetGranted_ReturnsTrueAndTheCallNeverRuns()
    {
        // Two calls ahead: the first is granted as the node starts the call before it, the second waits for its grant
        // until the first starts, which the gate holds off.
        var executor = new ClusterPoolExecutor(new ClusterPoolExecutorOptions
        {
            Secret = cluster.Secret,
            Config = Akka.Configuration.ConfigurationFactory.ParseString("actorpool.cluster.prefetch = 2"),
        });
        executors.Add(executor);
        // Queued before the node is there, so that its worker is sent all three at once: the node asks for the grant of
        // the call after the one it starts only if that call has reached it, and one submitted after the first started
        // (a submitting thread descheduled between two Submits) would be decided only when the first is answered.
        using var probe = new Probe(blocks: static item => item == 0);
        var running = executor.Submit(ContractCalls.Step, probe.Key, 0);
        var granted = executor.Submit(ContractCalls.Step, probe.Key, 1);
        var ahead = executor.Submit(ContractCalls.Step, probe.Key, 2);
        cluster.StartNode(executor.Address, workers: 1);
        await executor.WaitForWorkersAsync(1, Bound);
        probe.WaitForStarts(1);
        Assert.True(SharedState.PollUntil(() => granted.IsRunning && ahead.Ticket().State == ActorPool.Calls.CallState.Held, Bound),
            "the node's worker was never sent the third call ahead of time");

        Assert.False(granted.Cancel()); // granted: it will run
        Assert.True(ahead.Cancel());
        Assert.True(ahead.IsCanceled);
        probe.Open();

        Assert.Equal(0, running.Result(Bound));
        Assert.Equal(1, granted.Result(Bound));
        Assert.Single(Future.Wait([ahead], Bound).Done); // notified as its worker got to it
        Assert.Equal(3, executor.Submit(ContractCalls.Step, probe.Key, 3).Result(Bound)); // the worker went on
        Assert.Equal([0, 1, 3], probe.Started.Order()); // item 2 never started on the node
    }

    [Fact]
    [Trait("Category", "Slow")] // worker node processes
    public async Task Submit_LocalNodeKilledWithSigkill_OnlyItsFuturesFailOnItsExitNamingTheNodeAndItIsDowned()
    {
        // A failure detector that tolerates a minute of silence: only the node process's exit can explain a failure
        // within the (shorter) bound the futures are waited for, and a member removed within it.
        var pause = TimeSpan.FromSeconds(60);
        Assert.True(Bound < pause);
        var system = CoordinatorSystem(Akka.Configuration.ConfigurationFactory.ParseString(
            $"akka.cluster.failure-detector.acceptable-heartbeat-pause = {pause.TotalSeconds}s"));
        var log = new LogCapture();
        var executor = new ClusterPoolExecutor(new ClusterPoolExecutorOptions { Secret = cluster.Secret, LoggerFactory = log.Factory }, system);
        executors.Add(executor);
        var doomed = cluster.StartNode(executor.Address, workers: 2);
        var survivor = cluster.StartNode(executor.Address, workers: 2);
        await executor.WaitForWorkersAsync(4, Bound);
        using var probe = new Probe(blocks: static _ => true);
        var futures = Enumerable.Range(0, 4).Select(i => executor.Submit(ProcessCalls.PidThenStep, probe.Key, i)).ToList();
        probe.WaitForStarts(4);
        var onDoomed = Enumerable.Range(0, 4).Where(i => ProcessCalls.PidOf(probe.Key, i) == doomed.Pid).ToList();
        Assert.Equal(2, onDoomed.Count);

        var clock = Stopwatch.StartNew();
        doomed.Kill();
        var errors = onDoomed.Select(i => futures[i].Exception(Bound)).ToList();
        output.WriteLine($"Node {doomed.Pid} killed with SIGKILL: its futures failed {clock.ElapsedMilliseconds} ms later.");

        Assert.True(clock.Elapsed < pause, $"The futures failed {clock.Elapsed} after the kill: the failure detector's path, not the exit's.");
        foreach (var error in errors)
        {
            var broken = Assert.IsType<BrokenClusterPoolException>(error);
            Assert.Contains($"pid {doomed.Pid}", broken.Message, StringComparison.Ordinal);
            Assert.Contains("exited with code 137 (killed by SIGKILL)", broken.Message, StringComparison.Ordinal);
            Assert.NotNull(broken.Node);
            Assert.Contains(broken.Node, broken.Message, StringComparison.Ordinal);
        }

        Assert.All(Enumerable.Range(0, 4).Except(onDoomed), i => Assert.False(futures[i].IsDone)); // the survivor's calls run on
        probe.Open();
        Assert.All(Enumerable.Range(0, 4).Except(onDoomed), i => Assert.Equal(survivor.Pid, futures[i].Result(Bound)));
        Assert.Equal(survivor.Pid, executor.Submit(ProcessCalls.Pid).Result(Bound));
        var node = ((BrokenClusterPoolException)errors[0]!).Node;
        var exited = log.WaitFor(r => r is { Category: "ActorPool.Cluster", EventId: 410, Level: LogLevel.Warning }, "warning that the node's process exited");
        Assert.Equal(node, exited.Properties["Node"]?.ToString());
        // Downed, so membership agrees: the member is gone long before the failure detector would even suspect it.
        var membership = Akka.Cluster.Cluster.Get(system);
        Assert.True(SharedState.PollUntil(() => membership.State.Members.All(m => m.Address.ToString() != node), Bound), $"{node} is still a member");
        Assert.True(clock.Elapsed < pause, $"{node} was removed {clock.Elapsed} after the kill: the failure detector's path, not the exit's.");
    }

    [Fact]
    [Trait("Category", "Slow")] // worker node processes
    public async Task Submit_LocalNodeKilledUnderRetriedCalls_TheyRunAgainOnTheSurvivorAndAllSucceed()
    {
        var pause = TimeSpan.FromSeconds(60); // as above: only the exit can explain a retry within the bound
        var system = CoordinatorSystem(Akka.Configuration.ConfigurationFactory.ParseString(
            $"akka.cluster.failure-detector.acceptable-heartbeat-pause = {pause.TotalSeconds}s"));
        var executor = Coordinator(system);
        var doomed = cluster.StartNode(executor.Address, workers: 2);
        var survivor = cluster.StartNode(executor.Address, workers: 2);
        await executor.WaitForWorkersAsync(4, Bound);
        var retried = new CallOptions
        {
            Retry = new Polly.Retry.RetryStrategyOptions { MaxRetryAttempts = 1, Delay = TimeSpan.Zero, ShouldHandle = new Polly.PredicateBuilder().HandleWorkerDeath() },
        };
        using var probe = new Probe(blocks: static _ => true);
        var futures = Enumerable.Range(0, 4).Select(i => executor.Submit(ProcessCalls.PidThenStep, probe.Key, i, retried)).ToList();
        probe.WaitForStarts(4);
        Assert.Equal(2, Enumerable.Range(0, 4).Count(i => ProcessCalls.PidOf(probe.Key, i) == doomed.Pid));

        var clock = Stopwatch.StartNew();
        doomed.Kill();
        probe.Open(); // the survivor's workers finish their own calls, then take the retried ones

        Assert.All(futures, future => Assert.Equal(survivor.Pid, future.Result(Bound)));
        Assert.True(clock.Elapsed < pause, $"The calls were retried {clock.Elapsed} after the kill: the failure detector's path, not the exit's.");
        Assert.Equal(6, probe.Started.Length); // each of the doomed node's calls ran twice: a retry runs a call again elsewhere
    }

    [Fact]
    [Trait("Category", "Slow")] // worker node processes
    public async Task Submit_NodeLeavesGracefullyMidRun_NothingIsLost()
    {
        var log = new LogCapture();
        var executor = Coordinator(log: log);
        var leaving = cluster.StartNode(executor.Address, workers: 2);
        var staying = cluster.StartNode(executor.Address, workers: 2);
        await executor.WaitForWorkersAsync(4, Bound);
        using var probe = new Probe(blocks: static _ => true);
        var futures = Enumerable.Range(0, 12).Select(i => executor.Submit(ProcessCalls.PidThenStep, probe.Key, i)).ToList();
        probe.WaitForStarts(4);

        var stopping = Blocking.Run(() => leaving.Stop(Bound)); // it finishes the two calls it holds, then leaves
        Assert.True(SharedState.PollUntil(() => executor.Workers == 2, Bound), "the executor never stopped giving the leaving node work");
        probe.Open();

        var pids = futures.Select(f => f.Result(Bound)).ToList(); // all twelve complete
        Assert.True(await stopping, $"node {leaving.Pid} did not exit after leaving");
        // Only the calls it had started when it began leaving, and those granted to run next on its workers (a call each
        // at most, sent with the first); the rest of what it held went to the other node.
        Assert.InRange(pids.Count(p => p == leaving.Pid), 2, 4);
        Assert.Equal(12, pids.Count(p => p == leaving.Pid || p == staying.Pid));

        // A node leaving on purpose is normal lifecycle: Debug records, and nothing louder from ActorPool or Akka.
        log.WaitFor(r => r is { Category: "ActorPool.Cluster", EventId: 403, Level: LogLevel.Debug }, "Debug record that the node left");
        Assert.Contains(log.Records, r => r is { Category: "ActorPool.Cluster", EventId: 402, Level: LogLevel.Debug });
        var loud = log.Records.Where(r => r.Level >= LogLevel.Warning).ToList();
        Assert.True(loud.Count == 0, $"A node leaving gracefully logged warnings or errors:{Environment.NewLine}{LogCapture.Describe(loud)}");
    }

    [Fact]
    [Trait("Category", "Slow")] // worker node processes
    public async Task Submit_NodeWithoutTheSecret_GetsNoWork()
    {
        // The coordinator in a system of our own (configured as the executor would make it), to watch the membership.
        var system = CoordinatorSystem();
        var membership = Akka.Cluster.Cluster.Get(system);
        var executor = Coordinator(system);
        var impostor = cluster.StartNode(executor.Address, workers: 2, secret: "not-the-cluster-secret");

        // The impostor is a full member, offered to the executor (MemberUp) before the real node even starts.
        Assert.True(SharedState.PollUntil(() => UpWorkerNodes(membership) == 1, Bound), $"node {impostor.Pid} never became an Up cluster member");
        var member = cluster.StartNode(executor.Address, workers: 2);
        await executor.WaitForWorkersAsync(2, Bound);

        var pids = Enumerable.Range(0, 20).Select(_ => executor.Submit(ProcessCalls.PidAfter, 10)).Select(f => f.Result(Bound)).ToList();

        Assert.All(pids, pid => Assert.Equal(member.Pid, pid));
        Assert.DoesNotContain(impostor.Pid, pids);
        Assert.Equal(2, executor.Workers);
        Assert.Equal(2, UpWorkerNodes(membership)); // the impostor was a member all along, and still is

        static int UpWorkerNodes(Akka.Cluster.Cluster membership) =>
            membership.State.Members.Count(m => m.Status == MemberStatus.Up && m.HasRole("actorpool-worker"));
    }

    [Fact]
    [Trait("Category", "Slow")] // worker node processes
    public void Submit_MethodOutsideTheNodesAllowList_FailsNamingTheAssembly()
    {
        var executor = Coordinator();
        cluster.StartNode(executor.Address, workers: 1, allowed: ["SomeOtherAssembly"]);

        var error = executor.Submit(ProcessCalls.Pid).Exception(Bound);

        var refused = Assert.IsType<UnauthorizedAccessException>(error);
        Assert.Contains("allow-list", refused.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(ProcessCalls).Assembly.GetName().Name!, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")] // waits out a 1 s timeout, then leaves the cluster
    public async Task Shutdown_CallsQueuedAndNoNodeEverJoins_FailsThemAfterTheTimeoutInsteadOfWaitingForever()
    {
        var executor = new ClusterPoolExecutor(new ClusterPoolExecutorOptions
        {
            Secret = cluster.Secret,
            Config = Akka.Configuration.ConfigurationFactory.ParseString("actorpool.cluster.shutdown-without-workers-timeout = 1s"),
        });
        executors.Add(executor);
        var queued = executor.Submit(ProcessCalls.Pid);

        await executor.ShutdownAsync().WaitAsync(Bound); // throws TimeoutException if it waited for a node forever

        var error = Assert.IsType<BrokenClusterPoolException>(queued.Exception(TimeSpan.Zero));
        Assert.Contains("shutdown-without-workers-timeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")] // worker node processes
    public async Task Shutdown_NodeJoinsWithinTheTimeout_RunsTheQueuedCall()
    {
        var executor = Coordinator();
        var queued = executor.Submit(ProcessCalls.Pid);
        var shutdown = executor.ShutdownAsync(); // no node yet: the call waits for one

        var node = cluster.StartNode(executor.Address, workers: 1);

        Assert.Equal(node.Pid, queued.Result(Bound));
        await shutdown.WaitAsync(Bound);
    }

    [Fact]
    public void Constructor_NoSecret_ThrowsSayingHowToSetIt()
    {
        var previous = Environment.GetEnvironmentVariable("ACTORPOOL_CLUSTER_SECRET");
        Environment.SetEnvironmentVariable("ACTORPOOL_CLUSTER_SECRET", null);
        try
        {
            var error = Assert.Throws<ArgumentException>(() => new ClusterPoolExecutor());
            Assert.Contains("ACTORPOOL_CLUSTER_SECRET", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ACTORPOOL_CLUSTER_SECRET", previous);
        }
    }

    [Fact]
    public void Constructor_NegativeClusterPrefetch_ThrowsNamingTheKey()
    {
        var error = Assert.Throws<Akka.Configuration.ConfigurationException>(() => new ClusterPoolExecutor(new ClusterPoolExecutorOptions
        {
            Secret = "s",
            Config = Akka.Configuration.ConfigurationFactory.ParseString("actorpool.cluster.prefetch = -1"),
        }));

        Assert.Equal("actorpool.cluster.prefetch must be 0 or more, not -1.", error.Message);
    }

    [Fact]
    public void Constructor_SystemWithoutCluster_ThrowsSayingWhatToConfigure()
    {
        using var system = ActorSystem.Create("plain");
        var error = Assert.Throws<ArgumentException>(() => new ClusterPoolExecutor(new ClusterPoolExecutorOptions { Secret = "s" }, system));
        Assert.Contains("akka.actor.provider = cluster", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WorkerNodeStart_NoSeed_ThrowsNamingWhatToPass()
    {
        var error = Assert.Throws<ArgumentException>(() => ClusterWorkerNode.Start(new ClusterNodeOptions { Secret = "s" }));
        Assert.Contains("seed", error.Message, StringComparison.Ordinal);
    }
}
