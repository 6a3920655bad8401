using ActorPool.Tests.Futures;
using System.Diagnostics;

namespace ActorPool.Tests.Waiting;

/// <summary>
/// <see cref="Future.Wait"/> over hand-built futures and futures of a <see cref="ThreadPoolExecutor"/> (CPython's
/// test_wait.py, thread pool only). Waits that should end because their condition is met get a 30 s timeout and
/// must return well before it, so a Wait that only returned on timeout fails instead of passing slowly.
/// </summary>
public class WaitTests
{
    private static readonly TimeSpan Long = TestPool.Long;

    [Fact]
    public void Wait_SameFutureTwice_CountsItOnce() // test_20369
    {
        using var pool = new TestPool();
        var future = pool.Executor.Submit(Mul, 1, 2);

        var (done, notDone) = WaitPromptly([future, future], ReturnWhen.AllCompleted);

        FutureSets.Equal([future], done, "done");
        Assert.Empty(notDone);
    }

    [Fact]
    public void Wait_FirstCompleted_ReturnsTheFinishedOneAndLeavesCanceledUnnotifiedNotDone() // test_first_completed
    {
        using var pool = new TestPool();
        var canceled = TestFutures.Canceled();
        var future1 = pool.Executor.Submit(Mul, 21, 2);
        var future2 = pool.SubmitWaitingOn(pool.NewGate());

        var (done, notDone) = WaitPromptly([canceled, future1, future2], ReturnWhen.FirstCompleted);

        FutureSets.Equal([future1], done, "done");
        FutureSets.Equal([canceled, future2], notDone, "not done");
    }

    [Fact]
    public void Wait_FirstCompletedWithSomeAlreadyDone_ReturnsThemAtOnce() // test_first_completed_some_already_completed
    {
        using var pool = new TestPool();
        var canceledAndNotified = TestFutures.CanceledAndNotified();
        var successful = TestFutures.Successful();
        var future1 = pool.SubmitWaitingOn(pool.NewGate());

        var (done, notDone) = WaitPromptly([canceledAndNotified, successful, future1], ReturnWhen.FirstCompleted);

        FutureSets.Equal([canceledAndNotified, successful], done, "done");
        FutureSets.Equal([future1], notDone, "not done");
    }

    [Fact]
    public void Wait_FirstException_ReturnsOnTheFailureWithWhatFinishedBefore() // test_first_exception
    {
        using var pool = new TestPool();
        var gate1 = pool.NewGate();
        var future1 = pool.Executor.Submit(Mul, 2, 21);
        var future2 = pool.Executor.Submit(WaitAndRaise, gate1);
        var future3 = pool.SubmitWaitingOn(pool.NewGate());

        // future1 finishes before future2 fails.
        var opener = new BackgroundCall<int>(
            () =>
            {
                var product = future1.Result(Long);
                gate1.Set();
                return product;
            },
            "wait-for-future1");

        var (done, notDone) = WaitPromptly([future1, future2, future3], ReturnWhen.FirstException);

        FutureSets.Equal([future1, future2], done, "done");
        FutureSets.Equal([future3], notDone, "not done");
        Assert.Equal(42, opener.Join());
        Assert.IsType<InvalidOperationException>(future2.Exception(TimeSpan.Zero));
    }

    [Fact]
    public void Wait_FirstExceptionWithSomeAlreadyDone_CountsNotifiedButNotUnnotifiedCancels() // test_first_exception_some_already_complete
    {
        using var pool = new TestPool();
        var successful = TestFutures.Successful();
        var canceled = TestFutures.Canceled();
        var canceledAndNotified = TestFutures.CanceledAndNotified();
        var future1 = pool.Executor.Submit(DivMod, 21, 0);
        var future2 = pool.SubmitWaitingOn(pool.NewGate());

        var (done, notDone) = WaitPromptly([successful, canceled, canceledAndNotified, future1, future2], ReturnWhen.FirstException);

        FutureSets.Equal([successful, canceledAndNotified, future1], done, "done");
        FutureSets.Equal([canceled, future2], notDone, "not done");
        Assert.IsType<DivideByZeroException>(future1.Exception(TimeSpan.Zero));
    }

    [Fact]
    public void Wait_FirstExceptionWithOneAlreadyFailed_ReturnsAtOnce() // test_first_exception_one_already_failed
    {
        using var pool = new TestPool();
        var failed = TestFutures.Create(FutureKind.Failed);
        var future1 = pool.SubmitWaitingOn(pool.NewGate());

        var (done, notDone) = WaitPromptly([failed, future1], ReturnWhen.FirstException);

        FutureSets.Equal([failed], done, "done");
        FutureSets.Equal([future1], notDone, "not done");
    }

    [Fact]
    public void Wait_AllCompleted_ReturnsEveryFutureDone() // test_all_completed
    {
        using var pool = new TestPool();
        var successful = TestFutures.Successful();
        var canceledAndNotified = TestFutures.CanceledAndNotified();
        var failed = TestFutures.Create(FutureKind.Failed);
        var future1 = pool.Executor.Submit(DivMod, 2, 0);
        var future2 = pool.Executor.Submit(Mul, 2, 21);

        var (done, notDone) = WaitPromptly([successful, canceledAndNotified, failed, future1, future2], ReturnWhen.AllCompleted);

        FutureSets.Equal([successful, canceledAndNotified, failed, future1, future2], done, "done");
        Assert.Empty(notDone);
    }

    [Fact]
    public void Wait_TimeoutRunsOut_ReturnsWhatIsDoneAndThrowsNothing() // test_timeout
    {
        using var pool = new TestPool();
        var canceledAndNotified = TestFutures.CanceledAndNotified();
        var failed = TestFutures.Create(FutureKind.Failed);
        var successful = TestFutures.Successful();
        var future = pool.SubmitWaitingOn(pool.NewGate());
        var clock = Stopwatch.StartNew();

        var (done, notDone) = Future.Wait(
            [canceledAndNotified, failed, successful, future], TimeSpan.FromMilliseconds(50), ReturnWhen.AllCompleted);

        Assert.True(clock.Elapsed < Long, $"Wait with a 50 ms timeout took {clock.Elapsed}.");
        FutureSets.Equal([canceledAndNotified, failed, successful], done, "done");
        FutureSets.Equal([future], notDone, "not done");
    }

    [Fact]
    public void Wait_HundredCallsReleasedTogether_AllCompleted() // test_pending_calls_race
    {
        using var pool = new TestPool();
        var gate = pool.NewGate();
        var futures = Enumerable.Range(0, 100).Select(_ => pool.SubmitWaitingOn(gate)).ToArray();

        gate.Set();
        var (done, notDone) = WaitPromptly(futures, ReturnWhen.AllCompleted);

        Assert.Equal(100, done.Count);
        Assert.Empty(notDone);
        Assert.All(futures, f => Assert.True(f.Result(TimeSpan.Zero)));
    }

    [Fact]
    public void Wait_NoFutures_ReturnsTwoEmptySets()
    {
        var (done, notDone) = Future.Wait([], TimeSpan.Zero);

        Assert.Empty(done);
        Assert.Empty(notDone);
    }

    [Fact]
    public void Wait_DuplicateBareFuturesWithZeroTimeout_SplitsThemOnce()
    {
        var successful = TestFutures.Successful();
        var pending = TestFutures.Pending();

        var (done, notDone) = Future.Wait([successful, pending, successful, pending, pending], TimeSpan.Zero);

        FutureSets.Equal([successful], done, "done");
        FutureSets.Equal([pending], notDone, "not done");
    }

    [Fact]
    public void Wait_CanceledButNotNotified_CountsAsNotDoneThoughIsDoneIsTrue()
    {
        var canceled = TestFutures.Canceled();

        var (done, notDone) = Future.Wait([canceled], TimeSpan.FromMilliseconds(50));

        Assert.Empty(done);
        FutureSets.Equal([canceled], notDone, "not done");
        Assert.True(canceled.IsDone);
    }

    [Fact]
    public void Wait_CancelNotifiedWhileWaiting_WakesTheWait()
    {
        var canceled = TestFutures.Canceled();
        var pending = TestFutures.Pending();
        var waiter = new BackgroundCall<(DoneAndNotDone Result, TimeSpan Elapsed)>(
            () => Timed(() => Future.Wait([canceled, pending], Long, ReturnWhen.FirstCompleted)), "waiter");
        waiter.UntilBlockedOrEnded();

        Assert.False(canceled.SetRunningOrNotifyCancel());

        var (result, elapsed) = waiter.Join();
        AssertPrompt(elapsed);
        FutureSets.Equal([canceled], result.Done, "done");
        FutureSets.Equal([pending], result.NotDone, "not done");
    }

    [Fact]
    public void Wait_FirstCompletedOnBareFutures_ReturnsOnTheFirstSetResult()
    {
        var first = TestFutures.Pending();
        var second = TestFutures.Pending();
        var waiter = new BackgroundCall<(DoneAndNotDone Result, TimeSpan Elapsed)>(
            () => Timed(() => Future.Wait([first, second], Long, ReturnWhen.FirstCompleted)), "waiter");
        waiter.UntilBlockedOrEnded();

        first.SetResult(1);

        var (result, elapsed) = waiter.Join();
        AssertPrompt(elapsed);
        FutureSets.Equal([first], result.Done, "done");
        FutureSets.Equal([second], result.NotDone, "not done");
    }

    [Fact]
    public void Wait_FirstExceptionWhenNoneFails_WaitsForAll()
    {
        var first = TestFutures.Pending();
        var second = TestFutures.Pending();
        var waiter = new BackgroundCall<(DoneAndNotDone Result, TimeSpan Elapsed)>(
            () => Timed(() => Future.Wait([first, second], Long, ReturnWhen.FirstException)), "waiter");

        first.SetResult(1);

        // A success is not what FirstException waits for: the wait must still be going. (A correct Wait never
        // ends here, so this short look cannot fail spuriously; a wrong one is caught unless it is very slow.)
        Assert.False(waiter.Ended(TimeSpan.FromMilliseconds(200)), "Wait(FirstException) returned after a success.");
        second.SetResult(2);

        var (result, elapsed) = waiter.Join();
        AssertPrompt(elapsed);
        FutureSets.Equal([first, second], result.Done, "done");
        Assert.Empty(result.NotDone);
    }

    [Fact]
    public void Wait_FuturesOfTwoExecutorsAndABareOne_WaitsForAll()
    {
        using var pool = new TestPool(workers: 1);
        using var other = new ThreadPoolExecutor(1, system: pool.System);
        var bare = TestFutures.Pending();
        var fromPool = pool.Executor.Submit(Mul, 3, 4);
        var fromOther = other.Submit(Mul, 5, 6);
        fromOther.AddDoneCallback((Future _) => bare.SetResult(7));

        var (done, notDone) = WaitPromptly([fromPool, fromOther, bare], ReturnWhen.AllCompleted);

        FutureSets.Equal([fromPool, fromOther, bare], done, "done");
        Assert.Empty(notDone);
        Assert.Equal(12, fromPool.Result(TimeSpan.Zero));
        Assert.Equal(30, fromOther.Result(TimeSpan.Zero));
    }

    [Fact]
    public void Wait_AfterShutdownWithCancelFutures_CountsTheCanceledCallsDone()
    {
        // docs/contract.md departs from CPython here: the canceled calls are notified, so Wait does not time out on them.
        using var pool = new TestPool(workers: 1);
        var (gate, running, queued) = pool.BusyWithThreeQueued();

        pool.Executor.Shutdown(wait: false, cancelFutures: true);
        var (done, notDone) = WaitPromptly(queued, ReturnWhen.AllCompleted);

        FutureSets.Equal(queued, done, "done");
        Assert.Empty(notDone);
        Assert.All(queued, f => Assert.True(f.IsCanceled));
        Assert.False(running.IsDone);
        gate.Set();
        Assert.True(running.Result(Long));
    }

    [Fact]
    public void Wait_UndefinedReturnWhenWithAPendingFuture_ThrowsArgumentException()
    {
        var pending = TestFutures.Pending();

        Assert.ThrowsAny<ArgumentException>(() => Future.Wait([pending], TimeSpan.Zero, (ReturnWhen)42));
    }

    private static int Mul(int x, int y) => x * y;

    private static int DivMod(int x, int y) => x / y;

    private static int WaitAndRaise(ManualResetEventSlim gate)
    {
        gate.Wait(Long);
        throw new InvalidOperationException("this is an exception");
    }

    /// <summary>Wait with a 30 s timeout that must be met well before it runs out.</summary>
    private static DoneAndNotDone WaitPromptly(IEnumerable<Future> futures, ReturnWhen returnWhen)
    {
        var (result, elapsed) = Timed(() => Future.Wait(futures, Long, returnWhen));
        AssertPrompt(elapsed);
        return result;
    }

    private static (T Result, TimeSpan Elapsed) Timed<T>(Func<T> call)
    {
        var clock = Stopwatch.StartNew();
        var result = call();
        return (result, clock.Elapsed);
    }

    private static void AssertPrompt(TimeSpan elapsed) =>
        Assert.True(elapsed < TimeSpan.FromSeconds(20), $"Wait took {elapsed}: it ran into its {Long.TotalSeconds} s timeout instead of returning when its condition was met.");
}
