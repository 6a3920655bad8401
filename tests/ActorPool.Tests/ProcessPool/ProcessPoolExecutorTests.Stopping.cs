using ActorPool.Tests.Contract;

namespace ActorPool.Tests.ProcessPool;

// What only a process pool can do with a call that will not stop: kill its worker (the contract suite's stopping tests
// cover what every executor does); and Python 3.14's TerminateWorkers/KillWorkers.
public sealed partial class ProcessPoolExecutorTests
{
    [Fact]
    public void Submit_HungCallPastItsGrace_ItsWorkerIsKilledAndReplacedAndTheCallBesideItIsUntouched()
    {
        var executor = Start(2);
        using var probe = new Probe(blocks: static item => item == 1);
        var beside = executor.Submit(ProcessCalls.PidThenStep, probe.Key, 1);
        var hung = executor.Submit(ProcessCalls.PidThenHang, probe.Key, 0,
            new CallOptions { Timeout = TimeSpan.FromMilliseconds(300), GracePeriod = TimeSpan.FromMilliseconds(300) });
        probe.WaitForStarts(2);
        var hungPid = Seen(ProcessCalls.PidOf(probe.Key, 0));

        var error = Assert.IsType<TimeoutException>(hung.Exception(Bound));

        Assert.Contains("00:00:00.3", error.Message, StringComparison.Ordinal);
        Assert.True(OsProcesses.WaitForExit(hungPid, Bound), $"worker {hungPid} was not killed");
        Assert.False(beside.IsDone);
        probe.Open();
        Assert.NotEqual(hungPid, beside.Result(Bound));
        using var both = new Probe(blocks: static _ => true);
        var after = Enumerable.Range(0, 2).Select(i => executor.Submit(ProcessCalls.PidThenStep, both.Key, i)).ToList();
        both.WaitForStarts(2); // two workers again: both run at once
        both.Open();
        Assert.All(after, future => Assert.NotEqual(hungPid, Seen(future.Result(Bound))));
    }

    [Fact]
    public void Submit_HungCallCanceledWhileItsWorkerHoldsOthers_TheOthersRunElsewhere()
    {
        var executor = Start(1);
        using var probe = new Probe();
        using var source = new CancellationTokenSource();
        var hung = executor.Submit(ProcessCalls.PidThenHang, probe.Key, 0, new CallOptions { CancellationToken = source.Token, GracePeriod = TimeSpan.FromMilliseconds(300) });
        var queued = Enumerable.Range(0, 5).Select(i => executor.Submit(ContractCalls.Negate, i)).ToList(); // sent ahead to the same worker
        probe.WaitForStarts(1);
        var hungPid = Seen(ProcessCalls.PidOf(probe.Key, 0));

        source.Cancel();

        Assert.Throws<OperationCanceledException>(() => hung.Result(Bound));
        Assert.Equal([0, -1, -2, -3, -4], queued.Select(future => future.Result(Bound)));
        Assert.True(OsProcesses.WaitForExit(hungPid, Bound), $"worker {hungPid} was not killed");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void KillOrTerminateWorkers_RunningCallsFailQueuedOnesAreCanceledAndEveryWorkerExits(bool kill)
    {
        var executor = Start(2);
        using var probe = new Probe(blocks: static _ => true);
        var running = Enumerable.Range(0, 2).Select(i => executor.Submit(ProcessCalls.PidThenStep, probe.Key, i)).ToList();
        probe.WaitForStarts(2);
        var pids = Enumerable.Range(0, 2).Select(i => Seen(ProcessCalls.PidOf(probe.Key, i))).ToList();
        var queued = executor.Submit(ContractCalls.Negate, 1);

        if (kill)
        {
            executor.KillWorkers();
        }
        else
        {
            executor.TerminateWorkers();
        }

        Assert.All(running, future => Assert.Contains(
            kill ? "KillWorkers" : "TerminateWorkers", Assert.IsType<BrokenProcessPoolException>(future.Exception(Bound)).Message, StringComparison.Ordinal));
        Assert.True(queued.IsCanceled);
        Assert.All(pids, pid => Assert.True(OsProcesses.WaitForExit(pid, Bound), $"worker {pid} still runs"));
        Assert.Throws<InvalidOperationException>(() => executor.Submit(ContractCalls.Negate, 2));
        executor.Shutdown(wait: true);
    }
}
