using ActorPool.Tests.Futures;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace ActorPool.Tests.Waiting;

/// <summary>
/// <see cref="Future.AsCompleted{T}(IEnumerable{Future{T}}, TimeSpan?)"/> and its non-generic form (CPython's
/// test_as_completed.py, thread pool only). The async form is in the other part of this class.
/// </summary>
public partial class AsCompletedTests
{
    private static readonly TimeSpan Long = TestPool.Long;

    [Fact]
    public void AsCompleted_NoTimeout_YieldsEveryFuture() // test_no_timeout
    {
        using var pool = new TestPool();
        var canceledAndNotified = TestFutures.CanceledAndNotified();
        var failed = TestFutures.Create(FutureKind.Failed);
        var successful = TestFutures.Successful();
        var future1 = pool.Executor.Submit(Mul, 2, 21);
        var future2 = pool.Executor.Submit(Mul, 7, 6);
        Future<int>[] all = [canceledAndNotified, failed, successful, future1, future2];

        var completed = Future.AsCompleted(all, Long).ToList();

        Assert.Equal(5, completed.Count);
        FutureSets.Equal(all, completed, "yielded");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void AsCompleted_TimeoutBeforeTheLastFuture_YieldsTheFinishedOnesThenThrows(int timeoutMilliseconds) // test_future_times_out
    {
        using var pool = new TestPool();
        Future<int>[] alreadyCompleted = [TestFutures.CanceledAndNotified(), TestFutures.Create(FutureKind.Failed), TestFutures.Successful()];
        var gate = pool.NewGate();
        var future = pool.Executor.Submit(() => gate.Wait(Long) ? 1 : 0);
        var completed = new List<Future<int>>();

        Assert.ThrowsAny<TimeoutException>(() =>
        {
            foreach (var f in Future.AsCompleted([.. alreadyCompleted, future], TimeSpan.FromMilliseconds(timeoutMilliseconds)))
            {
                completed.Add(f);
            }
        });

        FutureSets.Equal(alreadyCompleted, completed, "yielded");
        Assert.Equal(3, completed.Count);
    }

    [Fact]
    public void AsCompleted_SameFutureRepeated_YieldsItOnce() // test_duplicate_futures
    {
        using var pool = new TestPool();
        var future1 = pool.Executor.Submit(Mul, 6, 7);
        var repeated = Enumerable.Repeat(future1, 3);

        var completed = Future.AsCompleted(repeated, Long).ToList();

        Assert.Same(future1, Assert.Single(completed));
    }

    [Fact]
    public void AsCompleted_YieldedFutures_AreNotKeptAliveByTheIteration() // test_free_reference_yielded_future
    {
        var futures = EightPendingThenTwoFinished();

        // With a zero timeout only the two finished futures come out, then the timeout.
        Assert.NotNull(IterateUntilTimeout(futures));
        Assert.Equal(8, futures.Count);

        // The pending ones, finished one at a time while iterating. A future is checked once the next one has
        // been yielded: until then the enumerator's Current rightly holds it.
        FinishFirst(futures);
        using var second = Future.AsCompleted(futures, Long).GetEnumerator();
        WeakReference? previous = null;
        while (second.MoveNext())
        {
            AssertCollected(previous);
            previous = Detach(second, futures);
            if (futures.Count > 0)
            {
                FinishFirst(futures);
            }
        }

        Assert.Empty(futures);
    }

    [Fact]
    public void AsCompleted_Timeout_MessageCountsUnfinishedOfTotal() // test_correct_timeout_exception_msg
    {
        Future<int>[] futures = [TestFutures.CanceledAndNotified(), TestFutures.Pending(), TestFutures.Running(), TestFutures.Successful()];

        var error = Assert.ThrowsAny<TimeoutException>(() => Future.AsCompleted(futures, TimeSpan.Zero).ToList());

        Assert.Equal("2 (of 4) futures unfinished", error.Message);
    }

    [Fact]
    public void AsCompleted_TimeoutWithDuplicates_MessageCountsDistinctFutures()
    {
        var pending = TestFutures.Pending();
        var successful = TestFutures.Successful();

        var error = Assert.ThrowsAny<TimeoutException>(
            () => Future.AsCompleted([pending, successful, pending, successful, pending], TimeSpan.Zero).ToList());

        Assert.Equal("1 (of 2) futures unfinished", error.Message);
    }

    [Fact]
    public void AsCompleted_NoFutures_YieldsNothing()
    {
        Assert.Empty(Future.AsCompleted(Array.Empty<Future<int>>(), TimeSpan.Zero));
        Assert.Empty(Future.AsCompleted(Array.Empty<Future>(), TimeSpan.Zero));
    }

    [Fact]
    public void AsCompleted_FinishedFirstThenInCompletionOrder()
    {
        var successful = TestFutures.Successful();
        var a = TestFutures.Pending();
        var b = TestFutures.Pending();
        var c = TestFutures.Pending();
        using var iteration = Future.AsCompleted([a, b, c, successful], Long).GetEnumerator();

        Assert.True(iteration.MoveNext());
        Assert.Same(successful, iteration.Current);
        c.SetResult(3);
        a.SetResult(1);
        b.SetResult(2);

        var rest = new List<Future<int>>();
        while (iteration.MoveNext())
        {
            rest.Add(iteration.Current);
        }

        Assert.Equal([c, a, b], rest);
    }

    [Fact]
    public void AsCompleted_CanceledButNotNotified_IsNeverYieldedAndTimesOut()
    {
        var canceled = TestFutures.Canceled();

        var error = Assert.ThrowsAny<TimeoutException>(
            () => Future.AsCompleted([canceled], TimeSpan.FromMilliseconds(50)).ToList());

        Assert.Equal("1 (of 1) futures unfinished", error.Message);
        Assert.True(canceled.IsDone);
    }

    [Fact]
    public void AsCompleted_CancelNotifiedDuringIteration_YieldsIt()
    {
        var successful = TestFutures.Successful();
        var canceled = TestFutures.Canceled();
        using var iteration = Future.AsCompleted([canceled, successful], Long).GetEnumerator();
        Assert.True(iteration.MoveNext());
        Assert.Same(successful, iteration.Current);

        Assert.False(canceled.SetRunningOrNotifyCancel());

        Assert.True(iteration.MoveNext());
        Assert.Same(canceled, iteration.Current);
        Assert.False(iteration.MoveNext());
    }

    [Fact]
    [Trait("Category", "Slow")] // waits out a 1 s timeout
    public void AsCompleted_TimeoutRanOutBeforeTheFirstMoveNext_ThrowsWithoutWaitingAgain()
    {
        // docs/contract.md: the timeout is measured from the call (CPython's generator starts its clock at the first next()).
        var timeout = TimeSpan.FromSeconds(1);
        var sinceCall = Stopwatch.StartNew();
        var iteration = Future.AsCompleted([TestFutures.Pending()], timeout);
        while (sinceCall.Elapsed <= timeout)
        {
            Thread.Sleep(timeout - sinceCall.Elapsed + TimeSpan.FromMilliseconds(10));
        }

        var sinceMoveNext = Stopwatch.StartNew();
        Assert.ThrowsAny<TimeoutException>(() => iteration.ToList());

        Assert.True(sinceMoveNext.Elapsed < timeout, $"The first MoveNext waited {sinceMoveNext.Elapsed} although the timeout had run out.");
    }

    [Fact]
    public void AsCompleted_NonGenericWithMixedResultTypes_YieldsEach()
    {
        var number = new Future<int>();
        var text = new Future<string>();
        number.SetResult(1);
        using var iteration = Future.AsCompleted([number, text], Long).GetEnumerator();
        Assert.True(iteration.MoveNext());
        Assert.Same(number, iteration.Current);

        text.SetResult("two");

        Assert.True(iteration.MoveNext());
        Assert.Same(text, iteration.Current);
        Assert.False(iteration.MoveNext());
    }

    [Fact]
    public void AsCompleted_AfterShutdownWithCancelFutures_YieldsTheCanceledCalls()
    {
        // docs/contract.md departs from CPython here: the canceled calls are notified, so AsCompleted yields them.
        using var pool = new TestPool(workers: 1);
        var (gate, running, queued) = pool.BusyWithThreeQueued();

        pool.Executor.Shutdown(wait: false, cancelFutures: true);
        var completed = Future.AsCompleted(queued, Long).ToList();

        FutureSets.Equal(queued, completed, "yielded");
        Assert.All(completed, f => Assert.True(f.IsCanceled));
        gate.Set();
        Assert.True(running.Result(Long));
    }

    private static int Mul(int x, int y) => x * y;

    // The helpers below touch the futures, so that no reference to one lingers in the test method's frame
    // (a Debug build keeps every local and temporary of a method alive until it returns).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<Future<string>> EightPendingThenTwoFinished()
    {
        var futures = new List<Future<string>>();
        for (var i = 0; i < 8; i++)
        {
            futures.Add(new Future<string>());
        }

        var canceledAndNotified = new Future<string>();
        Assert.True(canceledAndNotified.Cancel());
        Assert.False(canceledAndNotified.SetRunningOrNotifyCancel());
        futures.Add(canceledAndNotified);

        var finished = new Future<string>();
        finished.SetResult("42");
        futures.Add(finished);
        return futures;
    }

    /// <summary>
    /// The zero-timeout pass, in a method of its own so that its enumerator is unreachable once it returns, as
    /// CPython's generator is once its loop ends: a finished iteration may hold the futures it never yielded.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TimeoutException? IterateUntilTimeout(List<Future<string>> futures)
    {
        using var iteration = Future.AsCompleted(futures, TimeSpan.Zero).GetEnumerator();
        WeakReference? previous = null;
        try
        {
            while (iteration.MoveNext())
            {
                AssertCollected(previous);
                previous = Detach(iteration, futures);
            }
        }
        catch (TimeoutException e)
        {
            return e;
        }

        return null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FinishFirst(List<Future<string>> futures) => futures[0].SetResult("test");

    /// <summary>Drops the test's own reference to the future just yielded and returns a weak one to it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference Detach(IEnumerator<Future<string>> iteration, List<Future<string>> futures)
    {
        var future = iteration.Current;
        Assert.True(futures.Remove(future));
        return new WeakReference(future);
    }

    /// <summary>
    /// The future yielded before the iteration's latest MoveNext must be collectable: the enumerator may hold its
    /// <c>Current</c>, but nothing else of the iteration may keep yielded futures alive.
    /// </summary>
    private static void AssertCollected(WeakReference? yielded)
    {
        if (yielded is null)
        {
            return;
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(yielded.IsAlive, "AsCompleted keeps a reference to a future it has already yielded.");
    }
}
