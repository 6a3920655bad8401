using ActorPool.Tests.Contract;
using ActorPool.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ActorPool.Tests.ProcessPool;

// Memory limits (ExecutorPolicy.WorkerMemorySoftLimit and WorkerMemoryHardLimit): real workers growing past them, their
// parent reading their resident memory, a real kill. Limits sit well above an idle worker's ~40-100 MB.
public sealed partial class ProcessPoolExecutorTests
{
    /// <summary>A process pool of this test's own with <paramref name="policy"/>, logging to <paramref name="logs"/>.</summary>
    private ProcessPoolExecutor StartWithPolicy(int maxWorkers, ExecutorPolicy policy, LogCapture logs)
    {
        _ = SharedState.Root;
        var executor = new ProcessPoolExecutor(maxWorkers, loggerFactory: logs.Factory, policy: policy);
        executors.Add(executor);
        return executor;
    }

    [Fact]
    public void Submit_WorkerAllocatingPastItsHardLimit_IsKilledAndReplaced_ItsFutureFailsNamingTheLimit_AndTheOtherCallsFinish()
    {
        const long limit = 256L << 20;
        using var logs = new LogCapture();
        var executor = StartWithPolicy(2, new ExecutorPolicy { WorkerMemoryHardLimit = limit }, logs);
        using var meter = new MeterCapture(executor.Meter.Name);

        // Grows by 8 MB every 20 ms, up to 3 GB: only a kill ends it before its cap.
        var runaway = executor.Submit(MemoryCalls.AllocateUntilKilled, 3072, 20);
        // Some of these go ahead to the runaway's worker, held unstarted: they must run on another one.
        var others = Enumerable.Range(1, 40).Select(i => executor.Submit(ContractCalls.Negate, i)).ToList();

        var error = Assert.IsType<WorkerMemoryExceededException>(runaway.Exception(Bound));
        var killed = Seen(error.ProcessId);
        output.WriteLine(error.Message);
        Assert.Equal(limit, error.Limit);
        Assert.True(error.MemorySeen > limit, $"the memory seen, {error.MemorySeen}, is not over the limit {limit}");
        Assert.Contains($"{Text(killed)} was killed", error.Message, StringComparison.Ordinal);
        Assert.Contains("WorkerMemoryHardLimit, 268435456 bytes (256.0 MiB)", error.Message, StringComparison.Ordinal);
        Assert.Contains($"({error.MemorySeen.ToString(System.Globalization.CultureInfo.InvariantCulture)} bytes", error.Message, StringComparison.Ordinal);
        Assert.True(OsProcesses.WaitForExit(killed, Bound), $"worker {killed} still runs");

        for (var i = 1; i <= others.Count; i++)
        {
            Assert.Equal(-i, others[i - 1].Result(Bound));
        }

        // Replaced: both workers answer, and neither is the one killed.
        for (var i = 0; i < 6; i++)
        {
            Assert.NotEqual(killed, Seen(executor.Submit(ProcessCalls.PidAfter, 50).Result(Bound)));
        }

        var warning = logs.WaitFor(r => r.EventId == 217, "WorkerKilledForMemory warning");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(killed, warning.Properties["WorkerPid"]);
        Assert.Equal(limit, warning.Properties["LimitBytes"]);
        Assert.DoesNotContain(logs.Records, r => r.EventId == 206); // not reported as a crash
        Assert.Equal(1, meter.Sum("actorpool.worker.restarts", ("reason", "memory")));
        Assert.Equal(1, meter.Sum("actorpool.worker.restarts"));
    }

    [Fact]
    public void Submit_WorkerOverItsSoftLimit_IsRecycledAfterItsCall_ASpareRunsTheCallsItHeld_AndNoCallFails()
    {
        const long limit = 192L << 20;
        using var logs = new LogCapture();
        var executor = StartWithPolicy(1, new ExecutorPolicy { WorkerMemorySoftLimit = limit }, logs);
        using var meter = new MeterCapture(executor.Meter.Name);
        using var probe = new Probe(blocks: static item => item == 0);

        // The first call grows its worker past the limit and keeps that memory; the others are sent ahead to the same
        // worker, which holds them unstarted behind it.
        var grows = executor.Submit(MemoryCalls.GrowThenStep, 256, probe.Key, 0);
        var next = Enumerable.Range(0, 8).Select(_ => executor.Submit(ProcessCalls.Pid)).ToList();
        probe.WaitForStarts(1);

        // The parent sees the worker over its limit while the call still runs, and starts its successor (a spare) now,
        // not once the call ends.
        Assert.True(
            SharedState.PollUntil(() => meter.Sum("actorpool.worker.restarts", ("reason", "memory")) >= 1, Bound),
            "no memory restart was counted while the worker over its soft limit ran its call");
        var notice = logs.WaitFor(r => r.EventId == 216, "WorkerOverSoftMemoryLimit record");
        Assert.False(grows.IsDone);

        probe.Open();
        var grown = Seen(grows.Result(Bound)); // its call is not disturbed
        Assert.Equal(grown, notice.Properties["WorkerPid"]);
        Assert.True((long)notice.Properties["MemoryBytes"]! > limit);
        var successors = next.Select(f => Seen(f.Result(Bound))).Distinct().ToList();
        Assert.DoesNotContain(grown, successors); // the calls it held unstarted ran on its successor
        Assert.True(OsProcesses.WaitForExit(grown, Bound), $"worker {grown} was not let go after its call");

        Assert.Equal(1, meter.Sum("actorpool.worker.restarts", ("reason", "memory")));
        Assert.Equal(1, meter.Sum("actorpool.worker.restarts"));
        Assert.Equal(0, meter.Sum("actorpool.calls.completed", ("outcome", "failure")));
        Assert.DoesNotContain(logs.Records, r => r.Level >= LogLevel.Warning);
    }

    [Fact]
    public void Submit_WorkerOverItsHardLimitWhileIdle_IsRecycledNotKilled()
    {
        // Killing an idle worker would fail nothing and gain nothing over recycling it.
        const long limit = 192L << 20;
        using var logs = new LogCapture();
        var executor = StartWithPolicy(1, new ExecutorPolicy { WorkerMemoryHardLimit = limit }, logs);
        using var meter = new MeterCapture(executor.Meter.Name);
        using var probe = new Probe(blocks: static item => item == 0);

        // The call has returned (and its future settled) before its worker grows.
        var grown = Seen(executor.Submit(MemoryCalls.GrowAfterReturning, 256, probe.Key).Result(Bound));
        probe.Open();

        Assert.True(OsProcesses.WaitForExit(grown, Bound), $"worker {grown}, idle over its limit, was not recycled");
        Assert.NotEqual(grown, Seen(executor.Submit(ProcessCalls.Pid).Result(Bound)));
        Assert.Equal(1, meter.Sum("actorpool.worker.restarts", ("reason", "memory")));
        Assert.DoesNotContain(logs.Records, r => r.EventId == 217);
    }
}
