using ActorPool.Tests.Contract;
using ActorPool.Tests.Support;
using System.Diagnostics;

namespace ActorPool.Tests.ProcessPool;

// Worker processes that die: killed from outside, exiting or failing fast inside a call, or before they are ready.
// Each test has a pool of its own. The exit codes asserted on Linux are .NET's 128 + signal for a killed process.
public sealed partial class ProcessPoolExecutorTests
{
    /// <summary>The issue's bound on noticing a dead worker is 2 s; this generous one only catches a detection that is broken.</summary>
    private static readonly TimeSpan DeathDetectionBound = TimeSpan.FromSeconds(10);

    /// <summary>Waits for <paramref name="future"/> to fail, reports how long that took, and returns its exception.</summary>
    private Exception? FailureAfter(Stopwatch clock, Future future, string what)
    {
        var error = future.Exception(Bound);
        clock.Stop();
        output.WriteLine($"{what}: the future failed {clock.ElapsedMilliseconds} ms later ({error?.GetType().Name}: {error?.Message})");
        return error;
    }

    private static void AssertNamesPidAndExitCode(BrokenProcessPoolException error, int pid, int? linuxExitCode)
    {
        Assert.Contains(Text(pid), error.Message, StringComparison.Ordinal);
        Assert.Matches(@"exit code -?\d+", error.Message);
        if (linuxExitCode is { } code && OperatingSystem.IsLinux())
        {
            Assert.Contains($"exit code {Text(code)}", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Submit_WorkerKilledWhileRunningACall_OnlyThatFutureFailsAndTheNextCallSucceeds() // test_killed_child
    {
        var executor = Start(2);
        using var probe = new Probe(blocks: static _ => true); // the calls run until the test opens the gate
        var doomed = executor.Submit(ProcessCalls.PidThenStep, probe.Key, 0);
        var survivor = executor.Submit(ProcessCalls.PidThenStep, probe.Key, 1);
        probe.WaitForStarts(2);
        var doomedPid = Seen(ProcessCalls.PidOf(probe.Key, 0));
        var survivorPid = Seen(ProcessCalls.PidOf(probe.Key, 1));
        Assert.NotEqual(doomedPid, survivorPid);

        var clock = Stopwatch.StartNew();
        OsProcesses.Kill(doomedPid);
        var error = FailureAfter(clock, doomed, $"Worker {doomedPid} killed with SIGKILL while running a call");

        AssertNamesPidAndExitCode(Assert.IsType<BrokenProcessPoolException>(error), doomedPid, 137);
        Assert.True(clock.Elapsed < DeathDetectionBound, $"the death of worker {doomedPid} was noticed only after {clock.Elapsed}");
        Assert.False(survivor.IsDone); // the other worker's call is untouched...
        probe.Open();
        Assert.Equal(survivorPid, survivor.Result(Bound)); // ...and completes
        var next = Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));
        Assert.NotEqual(doomedPid, next);
    }

    [Fact]
    public void Submit_OneIdleWorkerFrozen_EveryCallRunsOnTheOtherWithoutWaitingForTheFrozenOne()
    {
        var executor = Start(2);
        // Pairs of calls until both workers have answered (the second may register after the first pair was sent).
        var pids = new HashSet<int>();
        for (var round = 0; round < 20 && pids.Count < 2; round++)
        {
            var pair = new[] { executor.Submit(ProcessCalls.PidAfter, 300), executor.Submit(ProcessCalls.PidAfter, 300) };
            pids.UnionWith(pair.Select(f => Seen(f.Result(Bound))));
        }

        Assert.Equal(2, pids.Count);
        // With both idle, the router gives a call to the same one each time: freeze that one.
        var frozen = executor.Submit(ProcessCalls.Pid).Result(Bound);
        var other = pids.Single(p => p != frozen);
        Signal("STOP", frozen);
        try
        {
            // The first call goes to the frozen worker, which never starts it, so the idle one takes it back; without
            // that, it would wait for DeathWatch to give the frozen worker up (30 s).
            for (var i = 0; i < 6; i++)
            {
                var clock = Stopwatch.StartNew();
                Assert.Equal(other, executor.Submit(ProcessCalls.Pid).Result(DeathDetectionBound));
                output.WriteLine($"call {i} took {clock.Elapsed.TotalMilliseconds:0.0} ms beside a frozen worker");
            }
        }
        finally
        {
            Signal("CONT", frozen);
        }
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", $"-{signal} {Text(pid)}")!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    [Fact]
    public void Submit_CallExitsItsProcess_FutureFailsNamingPidAndExitCodeAndThePoolGoesOn() // test_crash_during_func_exec_on_worker (_exit)
    {
        var executor = Start(1);
        var pid = Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));

        var clock = Stopwatch.StartNew();
        var error = FailureAfter(clock, executor.Submit(ProcessCalls.Exit, 3), $"Worker {pid} called Environment.Exit(3)");

        AssertNamesPidAndExitCode(Assert.IsType<BrokenProcessPoolException>(error), pid, 3);
        Assert.Contains("exit code 3", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < DeathDetectionBound, $"the exit of worker {pid} was noticed only after {clock.Elapsed}");
        var next = Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));
        Assert.NotEqual(pid, next);
        Assert.Equal(-4, executor.Submit(ContractCalls.Negate, 4).Result(Bound));
    }

    [Fact]
    public void Submit_CallFailsFast_FutureFailsNamingPidAndExitCodeAndThePoolGoesOn() // test_crash_during_func_exec_on_worker (_crash)
    {
        var executor = Start(1);
        var pid = Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));

        var clock = Stopwatch.StartNew();
        var error = FailureAfter(clock, executor.Submit(ProcessCalls.FailFast, "failing fast on purpose (ProcessPoolExecutorTests)"),
            $"Worker {pid} called Environment.FailFast");

        AssertNamesPidAndExitCode(Assert.IsType<BrokenProcessPoolException>(error), pid, 134); // SIGABRT
        Assert.True(clock.Elapsed < DeathDetectionBound, $"the crash of worker {pid} was noticed only after {clock.Elapsed}");
        Assert.NotEqual(pid, Seen(executor.Submit(ProcessCalls.Pid).Result(Bound)));
    }

    [Fact]
    public async Task Shutdown_RightAfterSubmittingACrashingCall_Returns() // test_shutdown_deadlock
    {
        var executor = Start(1);
        var crashing = executor.Submit(ProcessCalls.Exit, 5);

        await Blocking.Run(() => executor.Shutdown(wait: true)).WaitAsync(Bound);

        Assert.True(crashing.IsDone);
        var error = Assert.IsType<BrokenProcessPoolException>(crashing.Exception(TimeSpan.Zero));
        Assert.Contains("exit code 5", error.Message, StringComparison.Ordinal);
        Assert.Null(Record.Exception(executor.Dispose)); // Dispose never throws for a call's failure
    }

    [Fact]
    public void Constructor_InitializerExitsItsProcess_PoolIsBroken() // test_init FailingInitializerMixin (a worker that dies in its initializer)
    {
        var executor = Start(1, ProcessCalls.ExitInInitializer);

        BrokenProcessPoolException error;
        try
        {
            error = Assert.IsType<BrokenProcessPoolException>(executor.Submit(ProcessCalls.Pid).Exception(Bound));
        }
        catch (BrokenProcessPoolException alreadyBroken)
        {
            error = alreadyBroken;
        }

        // Python's message; the cause says which worker died and how.
        Assert.Contains("initializer failed", error.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"(exit code|exited with code) 7\b", error.ToString());
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            Future<int> later;
            try
            {
                later = executor.Submit(ProcessCalls.Pid);
            }
            catch (BrokenProcessPoolException)
            {
                break; // later Submits throw, as Python's submit() on a broken pool
            }

            Assert.IsType<BrokenProcessPoolException>(later.Exception(Bound));
            Assert.True(DateTime.UtcNow < deadline, "Submit never started to throw for the broken pool");
            Thread.Sleep(10);
        }
    }
}
