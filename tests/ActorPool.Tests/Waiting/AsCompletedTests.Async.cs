using ActorPool.Tests.Futures;

namespace ActorPool.Tests.Waiting;

// Future.AsCompletedAsync: the same contract as AsCompleted, for `await foreach`, plus a cancellation token that
// stops the wait but not the futures.
public partial class AsCompletedTests
{
    [Fact]
    public async Task AsCompletedAsync_FinishedFirstThenInCompletionOrder()
    {
        var successful = TestFutures.Successful();
        var canceledAndNotified = TestFutures.CanceledAndNotified();
        var a = TestFutures.Pending();
        var b = TestFutures.Pending();
        await using var iteration = Future.AsCompletedAsync([a, successful, b, canceledAndNotified], Long).GetAsyncEnumerator();

        var first = new List<Future<int>>();
        Assert.True(await iteration.MoveNextAsync());
        first.Add(iteration.Current);
        Assert.True(await iteration.MoveNextAsync());
        first.Add(iteration.Current);
        FutureSets.Equal([successful, canceledAndNotified], first, "yielded first");

        var next = iteration.MoveNextAsync();
        b.SetResult(2);
        Assert.True(await next);
        Assert.Same(b, iteration.Current);
        a.SetException(new IOException("a failed"));
        Assert.True(await iteration.MoveNextAsync());
        Assert.Same(a, iteration.Current);
        Assert.False(await iteration.MoveNextAsync());
    }

    [Fact]
    public async Task AsCompletedAsync_WithExecutorFutures_YieldsEveryFuture() // test_no_timeout
    {
        using var pool = new TestPool();
        Future<int>[] all =
        [
            TestFutures.CanceledAndNotified(), TestFutures.Create(FutureKind.Failed), TestFutures.Successful(),
            pool.Executor.Submit(Mul, 2, 21), pool.Executor.Submit(Mul, 7, 6),
        ];

        var completed = new List<Future<int>>();
        await foreach (var future in Future.AsCompletedAsync(all, Long))
        {
            completed.Add(future);
        }

        Assert.Equal(5, completed.Count);
        FutureSets.Equal(all, completed, "yielded");
    }

    [Fact]
    public async Task AsCompletedAsync_Timeout_YieldsFinishedThenThrowsWithPythonsMessage() // test_correct_timeout_exception_msg
    {
        Future<int>[] futures = [TestFutures.CanceledAndNotified(), TestFutures.Pending(), TestFutures.Running(), TestFutures.Successful()];
        var completed = new List<Future<int>>();

        var error = await Assert.ThrowsAnyAsync<TimeoutException>(async () =>
        {
            await foreach (var future in Future.AsCompletedAsync(futures, TimeSpan.FromMilliseconds(50)))
            {
                completed.Add(future);
            }
        });

        Assert.Equal("2 (of 4) futures unfinished", error.Message);
        FutureSets.Equal([futures[0], futures[3]], completed, "yielded");
    }

    [Fact]
    public async Task AsCompletedAsync_SameFutureRepeated_YieldsItOnce() // test_duplicate_futures
    {
        var future = TestFutures.Pending();
        var completed = new List<Future<int>>();
        future.SetResult(1);

        await foreach (var f in Future.AsCompletedAsync(Enumerable.Repeat(future, 3), Long))
        {
            completed.Add(f);
        }

        Assert.Same(future, Assert.Single(completed));
    }

    [Fact]
    public async Task AsCompletedAsync_CanceledButNotNotified_IsNeverYieldedAndTimesOut()
    {
        var canceled = TestFutures.Canceled();

        var error = await Assert.ThrowsAnyAsync<TimeoutException>(async () =>
        {
            await foreach (var unexpected in Future.AsCompletedAsync([canceled], TimeSpan.FromMilliseconds(50)))
            {
                Assert.Fail($"Yielded {unexpected}, canceled but never notified.");
            }
        });

        Assert.Equal("1 (of 1) futures unfinished", error.Message);
    }

    [Fact]
    public async Task AsCompletedAsync_TokenCanceledWhileWaiting_ThrowsOperationCanceledAndLeavesTheFuturesAlone()
    {
        var pending = TestFutures.Pending();
        using var cancellation = new CancellationTokenSource();
        await using var iteration = Future.AsCompletedAsync([pending], Long, cancellation.Token).GetAsyncEnumerator();
        var next = iteration.MoveNextAsync().AsTask();

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(Long));
        Assert.False(pending.IsDone);
        Assert.False(pending.IsCanceled);
        pending.SetResult(5);
        Assert.Equal(5, pending.Result(TimeSpan.Zero));
    }

    [Fact]
    public async Task AsCompletedAsync_NoFutures_YieldsNothing()
    {
        await using var iteration = Future.AsCompletedAsync(Array.Empty<Future<int>>(), TimeSpan.Zero).GetAsyncEnumerator();

        Assert.False(await iteration.MoveNextAsync());
    }

    [Fact]
    public async Task AsCompletedAsync_AfterShutdownWithCancelFutures_YieldsTheCanceledCalls()
    {
        using var pool = new TestPool(workers: 1);
        var (gate, running, queued) = pool.BusyWithThreeQueued();

        var shutdown = pool.Executor.ShutdownAsync(cancelFutures: true);
        var completed = new List<Future<int>>();
        await foreach (var future in Future.AsCompletedAsync(queued, Long))
        {
            completed.Add(future);
        }

        FutureSets.Equal(queued, completed, "yielded");
        Assert.All(completed, f => Assert.True(f.IsCanceled));
        Assert.False(shutdown.IsCompleted);
        gate.Set();
        Assert.True(await running.Task.WaitAsync(Long));
        await shutdown.WaitAsync(Long);
    }
}
