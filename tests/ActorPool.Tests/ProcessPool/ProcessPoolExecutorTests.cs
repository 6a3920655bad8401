using ActorPool.Tests.Contract;
using ActorPool.Tests.Support;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Xunit.Abstractions;

namespace ActorPool.Tests.ProcessPool;

/// <summary>
/// What only <see cref="ProcessPoolExecutor"/> does, with real worker processes, real kills and real Akka.Remote on
/// 127.0.0.1 (the executor contract runs in <see cref="ProcessPoolExecutorContractTests"/>). CPython's
/// test_process_pool.py and the process half of test_deadlock.py where they apply. Split by facet: this file
/// (construction, which functions travel, where calls run), <c>.Crashes.cs</c>, <c>.Payloads.cs</c>,
/// <c>.RoundTrips.cs</c>, <c>.Prefetch.cs</c> and <c>.Orphans.cs</c>.
/// </summary>
/// <remarks>
/// A test that kills, crashes or breaks workers starts its own pool; the round trips and other calls that cannot
/// disturb a pool share <see cref="SharedProcessPool"/>. After each test, every pool it started is shut down and
/// every worker pid it saw is killed if it somehow still runs.
/// </remarks>
[Trait("Category", "Slow")] // real worker processes, for the whole class (every part of this partial class)
public sealed partial class ProcessPoolExecutorTests(ITestOutputHelper output, SharedProcessPool shared) : IClassFixture<SharedProcessPool>, IDisposable
{
    private static readonly TimeSpan Bound = Probe.Bound;

    private readonly List<ProcessPoolExecutor> executors = [];
    private readonly HashSet<int> seenPids = [];

    public void Dispose()
    {
        var stuck = 0;
        try
        {
            foreach (var executor in executors)
            {
                executor.Shutdown(wait: false, cancelFutures: true);
                if (!executor.DisposeAsync().AsTask().Wait(Bound))
                {
                    stuck++;
                }
            }
        }
        finally
        {
            foreach (var pid in seenPids)
            {
                OsProcesses.KillWorkerIfStillRunning(pid);
            }
        }

        if (stuck > 0)
        {
            throw new TimeoutException($"{stuck} process pool(s) did not shut down within {Bound}.");
        }
    }

    /// <summary>A process pool of this test's own, shut down after it.</summary>
    private ProcessPoolExecutor Start(int maxWorkers = 1, Action? initializer = null, int? maxTasksPerChild = null, ActorSystem? system = null)
    {
        _ = SharedState.Root; // the workers inherit where the probes live
        var executor = new ProcessPoolExecutor(maxWorkers, initializer, maxTasksPerChild, system);
        executors.Add(executor);
        return executor;
    }

    /// <summary>Notes a worker pid for the clean-up, and returns it.</summary>
    private int Seen(int pid)
    {
        seenPids.Add(pid);
        return pid;
    }

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_MaxTasksPerChildNotPositive_ThrowsArgumentOutOfRangeException(int maxTasksPerChild)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Start(1, maxTasksPerChild: maxTasksPerChild));
        Assert.Equal("maxTasksPerChild", error.ParamName);
    }

    [Fact]
    public void Constructor_SystemWithoutRemoting_ThrowsArgumentException()
    {
        using var system = TestSystems.Create();

        var error = Assert.Throws<ArgumentException>(() => Start(1, system: system));

        Assert.Equal("system", error.ParamName);
        Assert.Contains("remoting", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Constructor_SystemWithRemoting_RunsThereAndDisposeLeavesItRunning()
    {
        using var system = ActorSystem.Create("process-pool-host", ConfigurationFactory.ParseString("""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
            akka.remote.dot-netty.tcp.port = 0
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """));
        var executor = Start(1, system: system);

        var pid = Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));
        executor.Dispose();

        Assert.NotEqual(Environment.ProcessId, pid);
        Assert.False(system.WhenTerminated.IsCompleted);
        Assert.Equal(3, await system.ActorOf(Props.Create(() => new EchoActor())).Ask<int>(3, Bound));
    }

    [Fact]
    public void Constructor_SystemWhoseHoconTunesAnActorPoolKey_StillGetsTheOtherDefaults()
    {
        // Setting an actorpool key in one's own HOCON must not lose the rest of
        // reference.conf, the router's dispatcher among it.
        using var system = ActorSystem.Create("tuned-host", ConfigurationFactory.ParseString("""
            actorpool.process-pool.prefetch = 1
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
            akka.remote.dot-netty.tcp.port = 0
            akka.loglevel = WARNING
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """));
        var executor = Start(1, system: system);

        Assert.NotEqual(Environment.ProcessId, Seen(executor.Submit(ProcessCalls.Pid).Result(Bound)));
        Assert.Equal(1, system.Settings.Config.GetInt("actorpool.process-pool.prefetch"));
    }

    [Fact]
    public void Submit_CapturingLambda_ThrowsArgumentExceptionNamingTheCapture()
    {
        var executor = shared.Executor;
        var factor = 3;

        var captured = Assert.Throws<ArgumentException>(() => executor.Submit(x => x * factor, 2));
        var capturedBoth = Assert.Throws<ArgumentException>(() => executor.Submit(() => executors.Count + factor));
        var capturedThisOnly = Assert.Throws<ArgumentException>(() => SubmitLambdaCapturingOnlyThis(executor));
        var bound = Assert.Throws<ArgumentException>(() => executor.Submit(new Random(1).Next));

        Assert.Contains("'factor'", captured.Message, StringComparison.Ordinal);
        Assert.Contains("'factor'", capturedBoth.Message, StringComparison.Ordinal);
        Assert.Contains("'this'", capturedBoth.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ProcessPoolExecutorTests), capturedThisOnly.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Random), bound.Message, StringComparison.Ordinal);
        Assert.Equal(-5, executor.Submit(ContractCalls.Negate, 5).Result(Bound)); // the refusals left the pool as it was
    }

    // Alone in its method, a lambda that uses only 'this' compiles to an instance method of this class.
    private Future<int> SubmitLambdaCapturingOnlyThis(Executor executor) => executor.Submit(() => executors.Count);

    [Fact]
    public void Submit_LambdaCapturingNothing_RunsInAWorkerProcess()
    {
        var executor = shared.Executor;

        var pid = executor.Submit(static () => Environment.ProcessId).Result(Bound);
        var squared = executor.Submit(static (int x) => x * x, 12).Result(Bound);

        Assert.NotEqual(Environment.ProcessId, pid);
        Assert.Equal(144, squared);
    }

    [Fact]
    public void Map_LambdaCapturingNothingInChunks_RunsEachItemInAWorkerProcess()
    {
        var executor = shared.Executor;

        var squares = executor.Map(static (int x) => x * x, Enumerable.Range(0, 25), chunkSize: 10).ToArray();
        var sums = executor.Map(static (string a, int b) => a + b, ["a", "b", "c"], [1, 2], chunkSize: 2).ToArray();

        Assert.Equal(Enumerable.Range(0, 25).Select(x => x * x), squares);
        Assert.Equal(["a1", "b2"], sums);
    }

    [Fact]
    public void Submit_ManyCalls_DistinctWorkerPidsNeverExceedMaxWorkers()
    {
        var executor = shared.Executor;

        var futures = Enumerable.Range(0, 20).Select(_ => executor.Submit(ProcessCalls.PidAfter, 50)).ToArray();
        var pids = futures.Select(f => f.Result(Bound)).Distinct().ToArray();

        // Calls queued behind busy workers go to both, and never to a third process or to this one.
        Assert.Equal(executor.MaxWorkers, pids.Length);
        Assert.DoesNotContain(Environment.ProcessId, pids);
    }

    [Fact]
    public void Constructor_MaxTasksPerChildThree_FourthCallRunsInANewProcess() // test_max_tasks_per_child
    {
        var executor = Start(1, maxTasksPerChild: 3);

        var first = Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));
        Assert.Equal(first, executor.Submit(ProcessCalls.Pid).Result(Bound));
        Assert.Equal(first, executor.Submit(ProcessCalls.Pid).Result(Bound));
        var fourth = Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));

        Assert.NotEqual(first, fourth);
        Assert.True(OsProcesses.WaitForExit(first, Bound), $"the retired worker {first} is still running");
        Assert.Equal(fourth, executor.Submit(ProcessCalls.Pid).Result(Bound));
    }

    [Fact]
    public void Shutdown_MaxTasksPerChildOne_EveryCallRanInAProcessOfItsOwn() // test_max_tasks_early_shutdown
    {
        var executor = Start(2, maxTasksPerChild: 1);

        var futures = Enumerable.Range(0, 4).Select(_ => executor.Submit(ProcessCalls.Pid)).ToArray();
        executor.Shutdown(wait: true);

        var pids = futures.Select(f => Seen(f.Result(TimeSpan.Zero))).ToArray();
        Assert.Equal(4, pids.Distinct().Count());
        // Retired workers exit on their own rather than being waited for, so give them the generous bound.
        Assert.All(pids, pid => Assert.True(OsProcesses.WaitForExit(pid, Bound), $"worker {pid} outlived Shutdown"));
    }

    [Fact]
    public void Constructor_Initializer_RunsInEachWorkerProcessBeforeItsCalls() // test_init InitializerMixin.test_initializer (processes)
    {
        var executor = Start(2, ProcessCalls.RememberInitializingProcess);

        var reports = Enumerable.Range(0, 6).Select(_ => executor.Submit(ProcessCalls.InitializedIn)).Select(f => f.Result(Bound)).ToArray();

        Assert.All(reports, r => Assert.Equal(r.Pid, r.InitializedIn));
        Assert.All(reports, r => Seen(r.Pid));
        Assert.Equal(0, ProcessCalls.InitializedIn().InitializedIn); // it never ran in this process
    }

    [Fact]
    public void Dispose_AfterCalls_NoWorkerProcessIsLeft() // test_processes_terminate
    {
        var executor = Start(2);
        using var probe = new Probe(blocks: static _ => true);
        var futures = new[] { executor.Submit(ProcessCalls.PidThenStep, probe.Key, 0), executor.Submit(ProcessCalls.PidThenStep, probe.Key, 1) };
        probe.WaitForStarts(2);
        probe.Open();
        var pids = futures.Select(f => Seen(f.Result(Bound))).ToArray();

        executor.Dispose();

        Assert.Equal(2, pids.Distinct().Count());
        Assert.All(pids, pid => Assert.False(OsProcesses.IsRunning(pid), $"worker {pid} outlived Dispose"));
    }

    private sealed class EchoActor : ReceiveActor
    {
        public EchoActor() => ReceiveAny(message => Sender.Tell(message));
    }
}

/// <summary>One process pool of two workers for the tests that cannot disturb it (round trips, refusals).</summary>
public sealed class SharedProcessPool : IDisposable
{
    public SharedProcessPool()
    {
        _ = SharedState.Root;
        Executor = new ProcessPoolExecutor(maxWorkers: 2);
    }

    public ProcessPoolExecutor Executor { get; }

    public void Dispose() => Executor.Dispose();
}
