using ActorPool.Tests.Contract;
using ActorPool.Tests.Support;

namespace ActorPool.Tests.ProcessPool;

// The process pool's own side of the ActorPool meter: why its workers were replaced, and run times from the worker's clock.
public sealed partial class ProcessPoolExecutorTests
{
    [Fact]
    public void Metrics_WorkersRetiredAfterMaxTasksPerChild_CountAsRecycledRestarts()
    {
        var executor = Start(1, maxTasksPerChild: 2);
        using var meter = new MeterCapture(executor.Meter.Name);

        for (var i = 0; i < 6; i++)
        {
            Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));
        }

        // Each worker gets a successor as it is sent its second call: after the 2nd, the 4th and the 6th.
        Assert.Equal(3, meter.Sum("actorpool.worker.restarts", ("reason", "recycled")));
        Assert.Equal(3, meter.Sum("actorpool.worker.restarts"));
    }

    [Fact]
    public void Metrics_WorkerThatExitsDuringACall_CountsACrashedRestart_AndTheCountsStillBalance()
    {
        var executor = Start(1);
        using var meter = new MeterCapture(executor.Meter.Name);
        Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));

        var crash = executor.Submit(ProcessCalls.Exit, 3);
        var after = Enumerable.Range(1, 5).Select(i => executor.Submit(ContractCalls.Negate, i)).ToList(); // queued or held behind it
        Assert.IsType<BrokenProcessPoolException>(crash.Exception(Bound));
        Assert.All(after, future => Assert.True(future.Exception(Bound) is null || future.Exception(Bound) is BrokenProcessPoolException));
        Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));

        Assert.Equal(1, meter.Sum("actorpool.worker.restarts", ("reason", "crashed")));
        Assert.Equal(1, meter.Sum("actorpool.worker.restarts"));
        Assert.Equal(8, meter.Sum("actorpool.calls.submitted"));
        Assert.Equal(8, meter.Sum("actorpool.calls.completed"));
        Assert.Equal(1 + after.Count(f => f.Exception(Bound) is BrokenProcessPoolException), meter.Sum("actorpool.calls.completed", ("outcome", "failure")));
        meter.Observe();
        Assert.Equal(0, meter.Last("actorpool.calls.queued"));
        Assert.Equal(0, meter.Last("actorpool.calls.running"));
    }

    [Fact]
    public void Metrics_KillWorkers_CountsNoRestart()
    {
        var executor = Start(1);
        using var meter = new MeterCapture(executor.Meter.Name);
        using var probe = new Probe(blocks: static _ => true);
        var running = executor.Submit(ProcessCalls.PidThenStep, probe.Key, 0);
        probe.WaitForStarts(1);
        Seen(ProcessCalls.PidOf(probe.Key, 0));

        executor.KillWorkers();

        Assert.IsType<BrokenProcessPoolException>(running.Exception(Bound));
        executor.Shutdown(wait: true);
        Assert.Equal(0, meter.Sum("actorpool.worker.restarts")); // the pool is ending, not replacing them
    }

    [Fact]
    public void Metrics_CallSentAheadAndStartedByTheWorker_RunTimeIsCountedFromTheWorkersStart()
    {
        var executor = Start(1);
        using var meter = new MeterCapture(executor.Meter.Name);
        using var probe = new Probe(blocks: static item => item == 0);
        var first = executor.Submit(ProcessCalls.PidThenStep, probe.Key, 0);
        probe.WaitForStarts(1);
        Seen(ProcessCalls.PidOf(probe.Key, 0));

        // Sent ahead to the busy worker, which starts it itself once the first call ends; the parent learns of that start
        // only with its result, so a run time from then would be about zero, and its wait would include its whole run.
        var second = executor.Submit(StopCalls.SleepOrStop, 300);
        probe.Open();
        Seen(first.Result(Bound));
        Assert.Equal(300, second.Result(Bound));

        var runTimes = meter.Values("actorpool.call.duration");
        Assert.Equal(2, runTimes.Count);
        Assert.True(runTimes.Max() >= 0.3, $"the run times recorded were {string.Join(", ", runTimes)} s; the sleeping call ran at least 0.3 s");
    }
}
