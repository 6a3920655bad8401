namespace ActorPool.Tests.Futures;

// The bridge to .NET's async world: `await future` and Future.Task. CPython has no counterpart; docs/contract.md asks for them
// to behave as Result() does. Each outcome is checked with the task taken both before and after the future settles,
// because the task is made lazily.
public partial class FutureTests
{
    [Fact]
    public async Task Await_Successful_ReturnsTheResult()
    {
        Assert.Equal(TestFutures.SuccessfulResult, await TestFutures.Successful());
    }

    [Fact]
    public async Task Await_SetLaterByAnotherThread_ReturnsTheResult()
    {
        var future = TestFutures.Pending();
        var awaiting = AwaitAsync(future);
        Assert.False(awaiting.IsCompleted);

        var setter = new BackgroundCall<bool>(
            () =>
            {
                future.SetResult(11);
                return true;
            },
            "setter-thread");

        Assert.True(setter.Join());
        Assert.Equal(11, await awaiting.WaitAsync(Long));
    }

    [Fact]
    public async Task Await_Failed_ThrowsTheOriginalExceptionObject()
    {
        var error = new InvalidTimeZoneException("the call's own exception");
        var future = TestFutures.Failed(error);

        var thrown = await Assert.ThrowsAsync<InvalidTimeZoneException>(async () => await future);

        Assert.Same(error, thrown);
    }

    [Fact]
    public async Task Await_FailedWhileAwaiting_ThrowsTheOriginalExceptionObject()
    {
        var error = new InvalidTimeZoneException("the call's own exception");
        var future = TestFutures.Pending();
        var awaiting = AwaitAsync(future);

        future.SetException(error);

        var thrown = await Assert.ThrowsAsync<InvalidTimeZoneException>(() => awaiting.WaitAsync(Long));
        Assert.Same(error, thrown);
    }

    [Theory]
    [InlineData(FutureKind.Canceled)]
    [InlineData(FutureKind.CanceledAndNotified)]
    public async Task Await_Canceled_ThrowsOperationCanceled(FutureKind kind)
    {
        var future = TestFutures.Create(kind);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await future);
    }

    [Fact]
    public async Task Await_CanceledWhileAwaiting_ThrowsOperationCanceled()
    {
        var future = TestFutures.Pending();
        var awaiting = AwaitAsync(future);

        Assert.True(future.Cancel());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => awaiting.WaitAsync(Long));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Task_Successful_RanToCompletionWithTheResult(bool takenBeforeSettling)
    {
        var future = TestFutures.Pending();
        var early = takenBeforeSettling ? future.Task : null;

        future.SetResult(8);

        var task = early ?? future.Task;
        Assert.Equal(8, await task.WaitAsync(Long));
        Assert.Equal(TaskStatus.RanToCompletion, task.Status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Task_Failed_FaultedWithTheOriginalException(bool takenBeforeSettling)
    {
        var error = new IOException("failed");
        var future = TestFutures.Pending();
        var early = takenBeforeSettling ? future.Task : null;

        future.SetException(error);

        var task = early ?? future.Task;
        await Assert.ThrowsAsync<IOException>(() => task.WaitAsync(Long));
        Assert.Equal(TaskStatus.Faulted, task.Status);
        Assert.Same(error, Assert.Single(task.Exception!.InnerExceptions));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Task_Canceled_IsCanceled(bool takenBeforeSettling)
    {
        var future = TestFutures.Pending();
        var early = takenBeforeSettling ? future.Task : null;

        Assert.True(future.Cancel());

        var task = early ?? future.Task;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.WaitAsync(Long));
        Assert.Equal(TaskStatus.Canceled, task.Status);
    }

    [Fact]
    public void Task_Pending_IsNotCompleted()
    {
        var future = TestFutures.Pending();

        Assert.False(future.Task.IsCompleted);
        Assert.False(TestFutures.Running().Task.IsCompleted);
    }

    [Fact]
    public void Task_NonGenericView_IsTheSameTask()
    {
        var future = TestFutures.Pending();

        Assert.Same(future.Task, ((Future)future).Task);
    }

    [Fact]
    public async Task Task_ContinuationAskingToRunSynchronously_DoesNotRunInsideSetResult()
    {
        var future = TestFutures.Pending();
        var continuationThread = new TaskCompletionSource<Thread>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = future.Task.ContinueWith(
            _ => continuationThread.SetResult(Thread.CurrentThread),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        var setter = new BackgroundCall<Thread>(
            () =>
            {
                future.SetResult(1);
                return Thread.CurrentThread;
            },
            "setter-thread");

        var setterThread = setter.Join();
        Assert.NotSame(setterThread, await continuationThread.Task.WaitAsync(Long));
    }

    private static async Task<int> AwaitAsync(Future<int> future) => await future;
}
