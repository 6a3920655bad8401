namespace ActorPool.Tests.Futures;

// SetResult, SetException and SetRunningOrNotifyCancel: the executor-side transitions and their invalid-state errors.
public partial class FutureTests
{
    [Fact]
    public void SetResult_Twice_ThrowsInvalidOperationAndKeepsTheFirst() // test_multiple_set_result
    {
        var future = TestFutures.Pending();
        future.SetResult(1);

        Assert.ThrowsAny<InvalidOperationException>(() => future.SetResult(2));

        Assert.True(future.IsDone);
        Assert.Equal(1, future.Result());
    }

    [Fact]
    public void SetException_Twice_ThrowsInvalidOperationAndKeepsTheFirst() // test_multiple_set_exception
    {
        var future = TestFutures.Pending();
        var first = new ArgumentException("first");
        future.SetException(first);

        Assert.ThrowsAny<InvalidOperationException>(() => future.SetException(new FormatException("second")));

        Assert.Same(first, future.Exception());
    }

    [Fact]
    public void SetResult_AfterSetException_ThrowsInvalidOperationAndKeepsTheException()
    {
        var error = new IOException("first");
        var future = TestFutures.Failed(error);

        Assert.ThrowsAny<InvalidOperationException>(() => future.SetResult(5));

        Assert.Same(error, future.Exception(TimeSpan.Zero));
    }

    [Fact]
    public void SetException_AfterSetResult_ThrowsInvalidOperationAndKeepsTheResult()
    {
        var future = TestFutures.Successful();

        Assert.ThrowsAny<InvalidOperationException>(() => future.SetException(new IOException()));

        Assert.Equal(TestFutures.SuccessfulResult, future.Result(TimeSpan.Zero));
    }

    [Theory]
    [InlineData(FutureKind.Canceled)]
    [InlineData(FutureKind.CanceledAndNotified)]
    public void SetResult_Canceled_ThrowsInvalidOperationAndStaysCanceled(FutureKind kind)
    {
        var future = TestFutures.Create(kind);

        Assert.ThrowsAny<InvalidOperationException>(() => future.SetResult(5));

        Assert.True(future.IsCanceled);
        Assert.ThrowsAny<OperationCanceledException>(() => future.Result(TimeSpan.Zero));
    }

    [Theory]
    [InlineData(FutureKind.Canceled)]
    [InlineData(FutureKind.CanceledAndNotified)]
    public void SetException_Canceled_ThrowsInvalidOperationAndStaysCanceled(FutureKind kind)
    {
        var future = TestFutures.Create(kind);

        Assert.ThrowsAny<InvalidOperationException>(() => future.SetException(new IOException()));

        Assert.True(future.IsCanceled);
        Assert.ThrowsAny<OperationCanceledException>(() => future.Exception(TimeSpan.Zero));
    }

    [Theory]
    [InlineData(FutureKind.Pending)]
    [InlineData(FutureKind.Running)]
    public void SetResult_PendingOrRunning_Finishes(FutureKind kind)
    {
        var future = TestFutures.Create(kind);

        future.SetResult(9);

        Assert.True(future.IsDone);
        Assert.False(future.IsRunning);
        Assert.Equal(9, future.Result(TimeSpan.Zero));
    }

    [Theory]
    [InlineData(FutureKind.Pending)]
    [InlineData(FutureKind.Running)]
    public void SetException_PendingOrRunning_Fails(FutureKind kind)
    {
        var future = TestFutures.Create(kind);
        var error = new IOException("failed");

        future.SetException(error);

        Assert.True(future.IsDone);
        Assert.False(future.IsRunning);
        Assert.Same(error, future.Exception(TimeSpan.Zero));
    }

    [Fact]
    public void SetException_Null_ThrowsArgumentNullAndStaysPending()
    {
        var future = TestFutures.Pending();

        Assert.Throws<ArgumentNullException>(() => future.SetException(null!));

        Assert.False(future.IsDone);
    }

    [Fact]
    public void SetRunningOrNotifyCancel_Pending_ReturnsTrueAndRuns()
    {
        var future = TestFutures.Pending();

        Assert.True(future.SetRunningOrNotifyCancel());

        Assert.True(future.IsRunning);
        Assert.False(future.IsDone);
        Assert.False(future.Cancel());
    }

    [Fact]
    public void SetRunningOrNotifyCancel_Canceled_ReturnsFalseAndNotifiesWaiters()
    {
        var future = TestFutures.Canceled();
        Assert.False(TestFutures.CountsAsDoneForWaiters(future));

        Assert.False(future.SetRunningOrNotifyCancel());

        Assert.True(future.IsCanceled);
        Assert.False(future.IsRunning);
        Assert.True(TestFutures.CountsAsDoneForWaiters(future));
    }

    [Theory]
    [InlineData(FutureKind.Running)]
    [InlineData(FutureKind.Failed)]
    [InlineData(FutureKind.Successful)]
    [InlineData(FutureKind.CanceledAndNotified)]
    public void SetRunningOrNotifyCancel_RunningFinishedOrAlreadyNotified_ThrowsInvalidOperation(FutureKind kind)
    {
        var future = TestFutures.Create(kind);
        var wasRunning = future.IsRunning;
        var wasDone = future.IsDone;

        Assert.ThrowsAny<InvalidOperationException>(() => future.SetRunningOrNotifyCancel());

        Assert.Equal(wasRunning, future.IsRunning);
        Assert.Equal(wasDone, future.IsDone);
    }
}
