using ActorPool.Tests.Contract;
using ActorPool.Tests.Support;
using Akka.Actor;
using Akka.Configuration;

namespace ActorPool.Tests.Threads;

/// <summary>
/// Calls sent ahead to a worker thread in a batch (actorpool.thread-pool.prefetch) stay cancelable, and an idle worker
/// takes back what a blocked one holds unstarted.
/// </summary>
public sealed partial class ThreadPoolExecutorTests
{
    /// <summary>A thread pool that hands an idle worker up to 5 queued calls at once, in a strict system of its own.</summary>
    private ThreadPoolExecutor StartSendingAhead(int maxWorkers)
    {
        var system = ActorSystem.Create("prefetch", ConfigurationFactory.ParseString("actorpool.thread-pool.prefetch = 4").WithFallback(TestSystems.Strict));
        systems.Add(system);
        return Track(new ThreadPoolExecutor(maxWorkers, system: system));
    }

    /// <summary>Blocks both workers of a two-worker pool on item 0 of <paramref name="first"/>, so the calls submitted next queue.</summary>
    private static Future<int>[] BlockBothWorkers(ThreadPoolExecutor executor, Probe first)
    {
        var blocking = new[] { executor.Submit(ContractCalls.Step, first.Key, 0), executor.Submit(ContractCalls.Step, first.Key, 0) };
        first.WaitForStarts(2);
        return blocking;
    }

    [Fact]
    public void Cancel_CallSentAheadInABatch_SucceedsAndTheCallNeverRuns()
    {
        var executor = StartSendingAhead(1);
        using var first = new Probe(blocks: static i => i == 0);
        using var batch = new Probe(blocks: static i => i == 1);
        var blocking = executor.Submit(ContractCalls.Step, first.Key, 0);
        first.WaitForStarts(1);
        // Queued behind the busy worker, these three reach it in one batch once it is free; the first of them blocks it.
        var running = executor.Submit(ContractCalls.Step, batch.Key, 1);
        var ahead = executor.Submit(ContractCalls.Step, batch.Key, 2);
        var after = executor.Submit(ContractCalls.Step, batch.Key, 3);
        first.Open();
        Assert.Equal(0, blocking.Result(Bound));
        batch.WaitForStarts(1);
        Assert.True(ahead.Ticket().IsSentAhead && after.Ticket().IsSentAhead, "the calls behind the running one were not sent ahead with it");

        Assert.False(ahead.IsRunning);
        Assert.True(ahead.Cancel());
        Assert.False(running.Cancel());
        batch.Open();

        Assert.Equal(3, after.Result(Bound));
        Assert.Empty(Future.Wait([ahead], Bound).NotDone); // the worker dropped it, and its waiters were told
        Assert.Equal([1, 3], batch.Started);
    }

    [Fact]
    public void Submit_OneWorkerBlockedInABatch_TheCallsItHoldsRunOnTheOtherWorker()
    {
        var executor = StartSendingAhead(2);
        using var first = new Probe(blocks: static i => i == 0);
        using var batch = new Probe(blocks: static i => i == 1);
        var blocking = BlockBothWorkers(executor, first);
        // Both workers are busy, so these queue; freed, each worker takes a batch, and the one holding item 1 blocks on
        // it. Nothing may wait behind it: the other worker takes back what it holds unstarted.
        var rest = Enumerable.Range(1, 12).Select(i => executor.Submit(ContractCalls.Step, batch.Key, i)).ToArray();
        first.Open();
        Assert.Empty(Future.Wait(blocking, Bound).NotDone);

        Assert.Empty(Future.Wait(rest[1..], Bound).NotDone);
        Assert.False(rest[0].IsDone);
        batch.Open();
        Assert.Equal(1, rest[0].Result(Bound));
    }

    [Fact]
    public void Submit_CallsHeldBehindASlowOne_StartAheadOfNewerQueuedCalls()
    {
        var executor = StartSendingAhead(2);
        using var first = new Probe(blocks: static i => i == 0);
        using var batch = new Probe(blocks: static i => i == 1);
        var blocking = BlockBothWorkers(executor, first);
        // Queued first, items 1-5 reach one worker in one batch once it is free, and item 1 blocks it. The other worker
        // keeps taking newer calls of 1 ms each from the queue; the calls held behind item 1 must not wait for the
        // queue to empty, as they would not wait with a shared queue (CPython's).
        var held = Enumerable.Range(1, 5).Select(i => executor.Submit(ContractCalls.Step, batch.Key, i)).ToArray();
        var heldDoneBeforeTheLast = false;
        var newer = Enumerable.Range(0, 80).Select(i => executor.Submit(() =>
        {
            Thread.Sleep(1);
            if (i == 79)
            {
                heldDoneBeforeTheLast = held[1..].All(f => f.IsDone);
            }
        })).ToArray();
        first.Open();
        Assert.Empty(Future.Wait(blocking, Bound).NotDone);

        Assert.Empty(Future.Wait(newer, Bound).NotDone);
        Assert.True(heldDoneBeforeTheLast, "the calls held behind the blocked one waited for the whole queue");
        Assert.False(held[0].IsDone);
        batch.Open();
        Assert.Equal(1, held[0].Result(Bound));
    }
}
