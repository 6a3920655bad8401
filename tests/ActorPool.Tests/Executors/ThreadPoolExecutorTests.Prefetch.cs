using ActorPool.Tests.Support;
using Akka.Actor;
using Akka.Configuration;

namespace ActorPool.Tests.Executors;

/// <summary>Calls sent ahead to a worker thread (actorpool.thread-pool.prefetch) stay cancelable, and an idle worker takes them back.</summary>
public sealed partial class ThreadPoolExecutorTests
{
    /// <summary>A thread pool that sends calls ahead (the default sends them only to idle workers), in a strict system of its own.</summary>
    private ThreadPoolExecutor StartSendingAhead(int maxWorkers)
    {
        var system = ActorSystem.Create("prefetch", ConfigurationFactory.ParseString("actorpool.thread-pool.prefetch = 4").WithFallback(TestSystems.Strict));
        systems.Add(system);
        return Track(new ThreadPoolExecutor(maxWorkers, system: system));
    }

    [Fact]
    public void Cancel_CallSentAheadToABusyWorker_SucceedsAndTheCallNeverRuns()
    {
        var executor = StartSendingAhead(1);
        using var probe = new Probe(blocks: static i => i == 0);
        var running = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);
        var ahead = executor.Submit(ContractCalls.Step, probe.Key, 1);
        var after = executor.Submit(ContractCalls.Step, probe.Key, 2);
        Assert.True(SharedState.PollUntil(() => ahead.IsSentAhead && after.IsSentAhead, Bound), "the calls were never sent ahead to the busy worker");

        Assert.False(ahead.IsRunning);
        Assert.True(ahead.Cancel());
        Assert.False(running.Cancel());
        probe.Open();

        Assert.Equal(2, after.Result(Bound));
        Assert.Empty(Future.Wait([ahead], Bound).NotDone); // the worker dropped it, and its waiters were told
        Assert.Equal([0, 2], probe.Started);
    }

    [Fact]
    public void Submit_OneWorkerBlocked_CallsSentAheadToItRunOnTheOtherWorker()
    {
        var executor = StartSendingAhead(2);
        using var probe = new Probe(blocks: static i => i == 0);
        var blocked = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);
        // The first of these goes to the idle worker, the rest are spread over both, so some go ahead to the blocked
        // one; none may wait behind the blocked call.
        var rest = Enumerable.Range(1, 12).Select(i => executor.Submit(ContractCalls.Step, probe.Key, i)).ToArray();

        Assert.Empty(Future.Wait(rest, Bound).NotDone);
        Assert.False(blocked.IsDone);
        probe.Open();
        Assert.Equal(0, blocked.Result(Bound));
    }
}
