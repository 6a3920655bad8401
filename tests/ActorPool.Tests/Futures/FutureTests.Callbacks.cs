using System.Diagnostics;

namespace ActorPool.Tests.Futures;

// AddDoneCallback: what a callback sees, when and where it runs, and what happens when it throws. These tests use
// the non-generic overload, which holds the behaviour; the typed overload, a thin adapter over it, has tests of its own.
public partial class FutureTests
{
    [Fact]
    public void AddDoneCallback_ThenSetResult_CallbackSeesTheResult() // test_done_callback_with_result
    {
        object? seen = null;
        var future = TestFutures.Pending();
        future.AddDoneCallback((Future f) => seen = f.Result(TimeSpan.Zero));

        future.SetResult(5);

        Assert.Equal(5, seen);
    }

    [Fact]
    public void AddDoneCallback_ThenSetException_CallbackSeesTheException() // test_done_callback_with_exception
    {
        Exception? seen = null;
        var error = new IOException("test");
        var future = TestFutures.Pending();
        future.AddDoneCallback((Future f) => seen = f.Exception(TimeSpan.Zero));

        future.SetException(error);

        Assert.Same(error, seen);
    }

    [Fact]
    public void AddDoneCallback_ThenCancel_CallbackSeesItCanceled() // test_done_callback_with_cancel
    {
        bool? wasCanceled = null;
        var future = TestFutures.Pending();
        future.AddDoneCallback((Future f) => wasCanceled = f.IsCanceled);

        Assert.True(future.Cancel());

        Assert.True(wasCanceled);
    }

    [Fact]
    public void AddDoneCallback_FirstOfTwoThrows_SecondStillRunsAndFailureIsLogged() // test_done_callback_raises
    {
        var marker = CallbackFailureLog.NewMarker();
        var raisingWasCalled = false;
        var otherWasCalled = false;
        var future = TestFutures.Pending();
        future.AddDoneCallback((Future _) =>
        {
            raisingWasCalled = true;
            throw new InvalidOperationException($"doh! {marker}");
        });
        future.AddDoneCallback((Future _) => otherWasCalled = true);

        future.SetResult(5);

        Assert.True(raisingWasCalled);
        Assert.True(otherWasCalled);
        var entry = Assert.Single(CallbackFailureLog.EntriesWith(marker));
        CallbackFailureLog.AssertCallbackFailure(entry);
        Assert.Contains("doh!", entry.Exception!.Message, StringComparison.Ordinal);
        Assert.Contains(future.ToString()!, entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDoneCallback_AlreadySuccessful_RunsAtOnceWithTheResult() // test_done_callback_already_successful
    {
        object? seen = null;
        var future = TestFutures.Pending();
        future.SetResult(5);

        future.AddDoneCallback((Future f) => seen = f.Result(TimeSpan.Zero));

        Assert.Equal(5, seen);
    }

    [Fact]
    public void AddDoneCallback_AlreadyFailed_RunsAtOnceWithTheException() // test_done_callback_already_failed
    {
        Exception? seen = null;
        var error = new IOException("test");
        var future = TestFutures.Failed(error);

        future.AddDoneCallback((Future f) => seen = f.Exception(TimeSpan.Zero));

        Assert.Same(error, seen);
    }

    [Fact]
    public void AddDoneCallback_AlreadyCanceled_RunsAtOnceSeeingItCanceled() // test_done_callback_already_cancelled
    {
        bool? wasCanceled = null;
        var future = TestFutures.Pending();
        Assert.True(future.Cancel());

        future.AddDoneCallback((Future f) => wasCanceled = f.IsCanceled);

        Assert.True(wasCanceled);
    }

    [Fact]
    public void AddDoneCallback_AlreadySucceededAndCallbackThrows_DoesNotThrowAndLogsTheFailure() // test_done_callback_raises_already_succeeded
    {
        var marker = CallbackFailureLog.NewMarker();
        var future = TestFutures.Successful();

        future.AddDoneCallback((Future _) => throw new InvalidOperationException($"doh! {marker}"));

        var entry = Assert.Single(CallbackFailureLog.EntriesWith(marker));
        CallbackFailureLog.AssertCallbackFailure(entry);
        Assert.Contains("doh!", entry.Exception!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDoneCallback_SeveralThrowOnCancel_CancelReturnsTrueAndEveryCallbackRuns()
    {
        var marker = CallbackFailureLog.NewMarker();
        var ran = new List<int>();
        var future = TestFutures.Pending();
        future.AddDoneCallback((Future _) => { ran.Add(1); throw new InvalidOperationException($"one {marker}"); });
        future.AddDoneCallback((Future _) => ran.Add(2));
        future.AddDoneCallback((Future _) => { ran.Add(3); throw new FormatException($"three {marker}"); });
        future.AddDoneCallback((Future _) => ran.Add(4));

        Assert.True(future.Cancel());

        Assert.Equal([1, 2, 3, 4], ran);
        Assert.Equal(2, CallbackFailureLog.EntriesWith(marker).Length);
    }

    [Fact]
    public void AddDoneCallback_ThrowingOnSetException_DoesNotPropagateAndLaterCallbacksRun()
    {
        var marker = CallbackFailureLog.NewMarker();
        var laterRan = false;
        var future = TestFutures.Pending();
        future.AddDoneCallback((Future _) => throw new InvalidOperationException(marker));
        future.AddDoneCallback((Future _) => laterRan = true);

        future.SetException(new IOException("the call failed"));

        Assert.True(laterRan);
        Assert.Single(CallbackFailureLog.EntriesWith(marker));
    }

    [Fact]
    public void AddDoneCallback_Several_RunInTheOrderAdded()
    {
        var ran = new List<string>();
        var future = TestFutures.Pending();
        future.AddDoneCallback((Future _) => ran.Add("a"));
        future.AddDoneCallback((Future _) => ran.Add("b"));
        future.AddDoneCallback((Future _) => ran.Add("c"));

        future.SetResult(1);

        Assert.Equal(["a", "b", "c"], ran);
    }

    [Fact]
    public void AddDoneCallback_CanceledTwiceThenNotified_RunsExactlyOnce()
    {
        var calls = 0;
        var future = TestFutures.Pending();
        future.AddDoneCallback((Future _) => calls++);

        Assert.True(future.Cancel());
        Assert.True(future.Cancel());
        Assert.False(future.SetRunningOrNotifyCancel());

        Assert.Equal(1, calls);
    }

    [Fact]
    public void AddDoneCallback_AfterCompletion_RunsSynchronouslyOnTheCallingThread()
    {
        Thread? ranOn = null;
        var future = TestFutures.Successful();

        future.AddDoneCallback((Future _) => ranOn = Thread.CurrentThread);

        Assert.Same(Thread.CurrentThread, ranOn);
    }

    [Fact]
    public void AddDoneCallback_BeforeSetResultOnAnotherThread_RunsOnTheCompletingThread()
    {
        Thread? ranOn = null;
        var future = TestFutures.Pending();
        future.AddDoneCallback((Future _) => ranOn = Thread.CurrentThread);

        var setter = new BackgroundCall<Thread>(
            () =>
            {
                future.SetResult(1);
                return Thread.CurrentThread;
            },
            "setter-thread");

        Assert.Same(setter.Join(), ranOn);
        Assert.NotSame(Thread.CurrentThread, ranOn);
    }

    [Fact]
    public void AddDoneCallback_BeforeCancelOnAnotherThread_RunsOnTheCancelingThread()
    {
        Thread? ranOn = null;
        var future = TestFutures.Pending();
        future.AddDoneCallback((Future _) => ranOn = Thread.CurrentThread);

        var canceler = new BackgroundCall<Thread>(
            () =>
            {
                Assert.True(future.Cancel());
                return Thread.CurrentThread;
            },
            "canceling-thread");

        Assert.Same(canceler.Join(), ranOn);
    }

    [Fact]
    public void AddDoneCallback_TypedOverloadBeforeCompletion_ReceivesTheTypedFuture()
    {
        Future<int>? seen = null;
        var future = TestFutures.Pending();
        future.AddDoneCallback((Future<int> f) => seen = f);

        future.SetResult(3);

        Assert.NotNull(seen);
        Assert.Same(future, seen);
        Assert.Equal(3, seen.Result(TimeSpan.Zero));
    }

    [Fact]
    public void AddDoneCallback_Null_ThrowsArgumentNull()
    {
        var future = TestFutures.Pending();

        Assert.Throws<ArgumentNullException>(() => future.AddDoneCallback((Action<Future>)null!));
        Assert.Throws<ArgumentNullException>(() => future.AddDoneCallback((Action<Future<int>>)null!));
    }
}
