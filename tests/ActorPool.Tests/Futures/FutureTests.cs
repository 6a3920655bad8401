namespace ActorPool.Tests.Futures;

/// <summary>
/// Bare <see cref="Future{T}"/> objects in each of Python's five states: the queries, Cancel, Result and Exception.
/// Callbacks, the invalid-state errors and the Task/await bridge are in the other parts of this class.
/// </summary>
public partial class FutureTests
{
    private static readonly TimeSpan Long = BackgroundCall<int>.Long;

    [Theory]
    [InlineData(FutureKind.Pending, false)]
    [InlineData(FutureKind.Running, false)]
    [InlineData(FutureKind.Canceled, true)]
    [InlineData(FutureKind.CanceledAndNotified, true)]
    [InlineData(FutureKind.Failed, false)]
    [InlineData(FutureKind.Successful, false)]
    public void IsCanceled_EachState_TrueOnlyWhenCanceled(FutureKind kind, bool expected) // test_cancelled
    {
        Assert.Equal(expected, TestFutures.Create(kind).IsCanceled);
    }

    [Theory]
    [InlineData(FutureKind.Pending, false)]
    [InlineData(FutureKind.Running, false)]
    [InlineData(FutureKind.Canceled, true)]
    [InlineData(FutureKind.CanceledAndNotified, true)]
    [InlineData(FutureKind.Failed, true)]
    [InlineData(FutureKind.Successful, true)]
    public void IsDone_EachState_TrueOnceFinishedOrCanceled(FutureKind kind, bool expected) // test_done
    {
        Assert.Equal(expected, TestFutures.Create(kind).IsDone);
    }

    [Theory]
    [InlineData(FutureKind.Pending, false)]
    [InlineData(FutureKind.Running, true)]
    [InlineData(FutureKind.Canceled, false)]
    [InlineData(FutureKind.CanceledAndNotified, false)]
    [InlineData(FutureKind.Failed, false)]
    [InlineData(FutureKind.Successful, false)]
    public void IsRunning_EachState_TrueOnlyWhileRunning(FutureKind kind, bool expected) // test_running
    {
        Assert.Equal(expected, TestFutures.Create(kind).IsRunning);
    }

    [Fact]
    public void Cancel_Pending_ReturnsTrueAndCancelsWithoutNotifying() // test_cancel
    {
        var future = TestFutures.Pending();

        Assert.True(future.Cancel());

        Assert.True(future.IsCanceled);
        Assert.True(future.IsDone);
        Assert.False(TestFutures.CountsAsDoneForWaiters(future)); // CANCELLED, not CANCELLED_AND_NOTIFIED
    }

    [Fact]
    public void Cancel_Running_ReturnsFalseAndKeepsRunning() // test_cancel
    {
        var future = TestFutures.Running();

        Assert.False(future.Cancel());

        Assert.True(future.IsRunning);
        Assert.False(future.IsDone);
        Assert.False(future.IsCanceled);
    }

    [Fact]
    public void Cancel_AlreadyCanceled_ReturnsTrueAndStaysUnnotified() // test_cancel
    {
        var future = TestFutures.Canceled();

        Assert.True(future.Cancel());

        Assert.True(future.IsCanceled);
        Assert.False(TestFutures.CountsAsDoneForWaiters(future));
    }

    [Fact]
    public void Cancel_CanceledAndNotified_ReturnsTrueAndStaysNotified() // test_cancel
    {
        var future = TestFutures.CanceledAndNotified();

        Assert.True(future.Cancel());

        Assert.True(future.IsCanceled);
        Assert.True(TestFutures.CountsAsDoneForWaiters(future));
    }

    [Fact]
    public void Cancel_Failed_ReturnsFalseAndKeepsTheException() // test_cancel
    {
        var error = new IOException("kept");
        var future = TestFutures.Failed(error);

        Assert.False(future.Cancel());

        Assert.False(future.IsCanceled);
        Assert.Same(error, future.Exception(TimeSpan.Zero));
    }

    [Fact]
    public void Cancel_Successful_ReturnsFalseAndKeepsTheResult() // test_cancel
    {
        var future = TestFutures.Successful();

        Assert.False(future.Cancel());

        Assert.False(future.IsCanceled);
        Assert.Equal(TestFutures.SuccessfulResult, future.Result(TimeSpan.Zero));
    }

    [Theory]
    [InlineData(FutureKind.Pending)]
    [InlineData(FutureKind.Running)]
    public void Result_NotDoneWithZeroTimeout_ThrowsTimeout(FutureKind kind) // test_result_with_timeout
    {
        var future = TestFutures.Create(kind);

        Assert.ThrowsAny<TimeoutException>(() => future.Result(TimeSpan.Zero));
    }

    [Theory]
    [InlineData(FutureKind.Canceled)]
    [InlineData(FutureKind.CanceledAndNotified)]
    public void Result_CanceledWithZeroTimeout_ThrowsOperationCanceled(FutureKind kind) // test_result_with_timeout
    {
        var future = TestFutures.Create(kind);

        Assert.ThrowsAny<OperationCanceledException>(() => future.Result(TimeSpan.Zero));
    }

    [Fact]
    public void Result_FailedWithZeroTimeout_ThrowsTheCallsException() // test_result_with_timeout
    {
        var future = TestFutures.Create(FutureKind.Failed);

        Assert.Throws<IOException>(() => future.Result(TimeSpan.Zero));
    }

    [Fact]
    public void Result_SuccessfulWithZeroTimeout_ReturnsTheResult() // test_result_with_timeout
    {
        Assert.Equal(TestFutures.SuccessfulResult, TestFutures.Successful().Result(TimeSpan.Zero));
    }

    [Fact]
    public void Result_PendingWithShortTimeout_ThrowsTimeoutWellWithinBound()
    {
        var future = TestFutures.Pending();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.ThrowsAny<TimeoutException>(() => future.Result(TimeSpan.FromMilliseconds(50)));

        Assert.True(clock.Elapsed < Long, $"Result(50 ms) took {clock.Elapsed}.");
        Assert.False(future.IsDone);
    }

    [Fact]
    public void Result_SetByAnotherThreadWhileWaiting_ReturnsTheResult() // test_result_with_success
    {
        var future = TestFutures.Pending();
        var waiter = new BackgroundCall<int>(() => future.Result(Long), "result-waiter");
        waiter.UntilBlockedOrEnded();

        future.SetResult(42);

        Assert.Equal(42, waiter.Join());
    }

    [Fact]
    public void Result_NoTimeoutSetByAnotherThread_WaitsForTheResult()
    {
        var future = TestFutures.Pending();
        var waiter = new BackgroundCall<int>(() => future.Result(), "result-waiter");
        waiter.UntilBlockedOrEnded();

        future.SetResult(7);

        Assert.Equal(7, waiter.Join());
    }

    [Fact]
    public void Result_CanceledByAnotherThreadWhileWaiting_ThrowsOperationCanceled() // test_result_with_cancel
    {
        var future = TestFutures.Pending();
        var waiter = new BackgroundCall<int>(() => future.Result(Long), "result-waiter");
        waiter.UntilBlockedOrEnded();

        Assert.True(future.Cancel());

        Assert.ThrowsAny<OperationCanceledException>(() => waiter.Join());
    }

    [Fact]
    public void Result_Failed_ThrowsTheOriginalExceptionObjectNotAnAggregate()
    {
        var error = new InvalidTimeZoneException("the call's own exception");
        var future = TestFutures.Failed(error);

        var thrown = Assert.Throws<InvalidTimeZoneException>(() => future.Result());

        Assert.Same(error, thrown);
    }

    [Fact]
    public void Result_FailedThroughTheNonGenericView_ThrowsTheOriginalExceptionObject()
    {
        var error = new InvalidTimeZoneException("the call's own exception");
        Future future = TestFutures.Failed(error);

        var thrown = Assert.Throws<InvalidTimeZoneException>(() => future.Result(TimeSpan.Zero));

        Assert.Same(error, thrown);
    }

    [Fact]
    public void Result_SuccessfulThroughTheNonGenericView_ReturnsTheBoxedResult()
    {
        Future future = TestFutures.Successful();

        Assert.Equal(TestFutures.SuccessfulResult, future.Result(TimeSpan.Zero));
    }

    [Theory]
    [InlineData(FutureKind.Pending)]
    [InlineData(FutureKind.Running)]
    public void Exception_NotDoneWithZeroTimeout_ThrowsTimeout(FutureKind kind) // test_exception_with_timeout
    {
        var future = TestFutures.Create(kind);

        Assert.ThrowsAny<TimeoutException>(() => future.Exception(TimeSpan.Zero));
    }

    [Theory]
    [InlineData(FutureKind.Canceled)]
    [InlineData(FutureKind.CanceledAndNotified)]
    public void Exception_CanceledWithZeroTimeout_ThrowsOperationCanceled(FutureKind kind) // test_exception_with_timeout
    {
        var future = TestFutures.Create(kind);

        Assert.ThrowsAny<OperationCanceledException>(() => future.Exception(TimeSpan.Zero));
    }

    [Fact]
    public void Exception_FailedWithZeroTimeout_ReturnsTheSameExceptionObject() // test_exception_with_timeout
    {
        var error = new IOException("EXCEPTION_FUTURE");
        var future = TestFutures.Failed(error);

        Assert.Same(error, future.Exception(TimeSpan.Zero));
    }

    [Fact]
    public void Exception_SuccessfulWithZeroTimeout_ReturnsNull() // test_exception_with_timeout
    {
        Assert.Null(TestFutures.Successful().Exception(TimeSpan.Zero));
    }

    [Fact]
    public void Exception_FailedByAnotherThreadWhileWaiting_ReturnsTheException() // test_exception_with_success
    {
        var future = TestFutures.Pending();
        var waiter = new BackgroundCall<Exception?>(() => future.Exception(Long), "exception-waiter");
        waiter.UntilBlockedOrEnded();
        var error = new IOException("set while waiting");

        future.SetException(error);

        Assert.Same(error, waiter.Join());
    }

    [Fact]
    public void ToString_EachState_NamesTheStateAndOutcomeType() // test_repr
    {
        Assert.Contains("pending", TestFutures.Pending().ToString(), StringComparison.Ordinal);
        Assert.Contains("running", TestFutures.Running().ToString(), StringComparison.Ordinal);
        Assert.Contains("cancel", TestFutures.Canceled().ToString(), StringComparison.Ordinal);
        Assert.Contains("cancel", TestFutures.CanceledAndNotified().ToString(), StringComparison.Ordinal);

        var failed = TestFutures.Failed(new IOException()).ToString();
        Assert.Contains("finished", failed, StringComparison.Ordinal);
        Assert.Contains(nameof(IOException), failed, StringComparison.Ordinal);

        var successful = TestFutures.Successful().ToString();
        Assert.Contains("finished", successful, StringComparison.Ordinal);
        Assert.Contains(nameof(Int32), successful, StringComparison.Ordinal);
    }

    [Fact]
    public void Queries_EachOutcome_GiveAConsistentSnapshot() // test_get_snapshot
    {
        var pending = TestFutures.Pending();
        Assert.False(pending.IsDone);
        Assert.False(pending.IsCanceled);

        var successful = TestFutures.Successful();
        Assert.True(successful.IsDone);
        Assert.False(successful.IsCanceled);
        Assert.Equal(TestFutures.SuccessfulResult, successful.Result(TimeSpan.Zero));
        Assert.Null(successful.Exception(TimeSpan.Zero));

        var error = new ArgumentException("test error");
        var failed = TestFutures.Failed(error);
        Assert.True(failed.IsDone);
        Assert.False(failed.IsCanceled);
        Assert.Same(error, failed.Exception(TimeSpan.Zero));

        var canceled = TestFutures.Canceled();
        Assert.True(canceled.IsDone);
        Assert.True(canceled.IsCanceled);
    }

    [Fact]
    public void Queries_ManyThreadsReadAFinishedFuture_AllSeeTheSameOutcome() // test_get_snapshot
    {
        var future = TestFutures.Pending();
        future.SetResult(100);
        var readers = Enumerable.Range(0, 4)
            .Select(i => new BackgroundCall<bool>(
                () =>
                {
                    var consistent = true;
                    for (var n = 0; n < 1000; n++)
                    {
                        consistent &= future.IsDone && !future.IsCanceled && !future.IsRunning
                            && future.Result(TimeSpan.Zero) == 100 && future.Exception(TimeSpan.Zero) is null;
                    }

                    return consistent;
                },
                $"snapshot-reader-{i}"))
            .ToArray();

        Assert.All(readers, reader => Assert.True(reader.Join()));
    }
}
