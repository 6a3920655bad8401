using ActorPool.Tests.Support;

namespace ActorPool.Tests.Contract;

// Telemetry (API.md "Telemetry"): the ActorPool meter's call instruments, on every executor.
public abstract partial class ExecutorContractTests
{
    /// <summary>The executor's <c>actorpool.executor.kind</c>.</summary>
    protected abstract string ExpectedKind { get; }

    [Fact]
    public void Metrics_CountEveryCallByOutcome_AndQueuedAndRunningReturnToZero()
    {
        var executor = StartExecutor(1);
        using var meter = new MeterCapture(executor.Meter.Name);
        using var probe = new Probe(blocks: static item => item == 0);
        var blocker = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);

        var canceledWhileQueued = executor.Submit(ContractCalls.Negate, 1);
        meter.Observe();
        Assert.Equal(2, meter.Last("actorpool.calls.queued") + meter.Last("actorpool.calls.running")); // whichever its executor says it is in
        Assert.True(canceledWhileQueued.Cancel());
        var canceledBeforeSent = executor.Submit(ContractCalls.Negate, 2, new CallOptions { CancellationToken = new CancellationToken(canceled: true) });
        probe.Open();
        Assert.Equal(0, blocker.Result(Probe.Bound));
        Assert.Equal(-3, executor.Submit(ContractCalls.Negate, 3).Result(Probe.Bound));
        Assert.IsType<ProbeException>(executor.Submit(ContractCalls.Fail, "counted as a failure").Exception(Probe.Bound));
        Assert.IsType<TimeoutException>(executor.Submit(ContractCalls.TimeoutOnOne, 1).Exception(Probe.Bound)); // its own: a failure
        Assert.IsType<TimeoutException>(executor.Submit(StopCalls.WaitForToken, probe.Key, 5,
            new CallOptions { Timeout = TimeSpan.FromMilliseconds(100) }).Exception(Probe.Bound));
        Assert.True(canceledBeforeSent.IsCanceled);

        Assert.Equal(7, meter.Sum("actorpool.calls.submitted"));
        Assert.Equal(7, meter.Sum("actorpool.calls.completed"));
        Assert.Equal(2, meter.Sum("actorpool.calls.completed", ("outcome", "success")));
        Assert.Equal(2, meter.Sum("actorpool.calls.completed", ("outcome", "failure")));
        Assert.Equal(2, meter.Sum("actorpool.calls.completed", ("outcome", "canceled")));
        Assert.Equal(1, meter.Sum("actorpool.calls.completed", ("outcome", "timeout")));
        meter.Observe();
        Assert.Equal(0, meter.Last("actorpool.calls.queued"));
        Assert.Equal(0, meter.Last("actorpool.calls.running"));
        Assert.Equal(meter.Count("actorpool.call.queue.duration"), meter.Count("actorpool.call.duration")); // both for each started call
        Assert.Equal(5, meter.Count("actorpool.call.duration"));
    }

    [Fact]
    public void Metrics_EveryMeasurementCarriesTheExecutorsKindAndName()
    {
        var executor = StartExecutor(1);
        using var meter = new MeterCapture(executor.Meter.Name);

        Assert.Equal(-4, executor.Submit(ContractCalls.Negate, 4).Result(Probe.Bound));

        meter.Observe();
        foreach (var instrument in new[] { "actorpool.calls.submitted", "actorpool.calls.completed", "actorpool.calls.queued",
                     "actorpool.calls.running", "actorpool.workers", "actorpool.call.duration", "actorpool.call.queue.duration" })
        {
            Assert.Contains("actorpool.executor.kind", meter.TagKeys(instrument));
            Assert.Contains("actorpool.executor.name", meter.TagKeys(instrument));
        }

        Assert.Equal(1, meter.Sum("actorpool.calls.submitted", ("actorpool.executor.kind", ExpectedKind)));
    }

    [Fact]
    public void Metrics_WorkerGivenUpOnToStopACall_CountsARestartForReasonStopped()
    {
        var executor = StartExecutor(1);
        using var meter = new MeterCapture(executor.Meter.Name);
        using var probe = new Probe();
        var hung = executor.Submit(StopCalls.IgnoresToken, probe.Key, 1, 5_000,
            new CallOptions { Timeout = TimeSpan.FromMilliseconds(100), GracePeriod = TimeSpan.FromMilliseconds(200) });

        Assert.IsType<TimeoutException>(hung.Exception(Probe.Bound));
        Assert.Equal(-6, executor.Submit(ContractCalls.Negate, 6).Result(Probe.Bound)); // the replacement runs the next call

        // A process's restart is counted as its exit is seen, which may come just after the future settled.
        Assert.True(SpinWait.SpinUntil(() => meter.Sum("actorpool.worker.restarts") >= 1, Probe.Bound), "no worker restart was counted");
        Assert.Equal(1, meter.Sum("actorpool.worker.restarts", ("reason", "stopped")));
        Assert.Equal(1, meter.Sum("actorpool.worker.restarts"));
        Assert.Contains("actorpool.executor.kind", meter.TagKeys("actorpool.worker.restarts"));
    }

    [Fact]
    public void Metrics_WorkersGauge_ReadsTheExecutorsWorkersUntilItShutsDown()
    {
        var executor = StartExecutor(1);
        using var meter = new MeterCapture(executor.Meter.Name);
        Assert.Equal(-5, executor.Submit(ContractCalls.Negate, 5).Result(Probe.Bound)); // a worker is up

        meter.Observe();
        Assert.Equal(1, meter.Last("actorpool.workers"));
        Assert.Contains("actorpool.executor.kind", meter.TagKeys("actorpool.workers"));

        executor.Shutdown(wait: true);
        var before = meter.Count("actorpool.workers");
        meter.Observe();
        Assert.Equal(before, meter.Count("actorpool.workers")); // a shut-down executor is no longer observed
    }
}
