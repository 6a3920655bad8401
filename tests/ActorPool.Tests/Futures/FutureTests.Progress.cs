using ActorPool.Calls;
using ActorPool.Tests.Contract;
using ActorPool.Wire;

namespace ActorPool.Tests.Futures;

// Progress on the future's side: a settle that finds a value still being delivered is decided at once and made final
// by the delivery, and the executor's shutdown waits for it. The contract suite covers the same through executors.
public partial class FutureTests
{
    [Fact]
    public async Task ProgressBeingDelivered_WhenTheCallEnds_DecidesTheSettleNow_AndMakesItFinalAfterTheLastValue()
    {
        var future = new Future<int>();
        var settling = new SettlingCalls();
        future.StartMetering(new CallOwner(new Telemetry.ExecutorMeter("thread"), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, settling), shared: true); // as an executor accepting it
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var seen = new List<(int Value, bool Done)>();
        future.AddProgressCallback<int>(value =>
        {
            entered.Set();
            release.Wait(Probe.Bound);
            seen.Add((value, future.IsDone));
        });
        future.ReportProgress(1);
        Assert.True(entered.Wait(Probe.Bound), "the value was never delivered");
        future.ReportProgress(2);

        future.SetResult(7); // the callback still holds value 1, and value 2 waits

        Assert.False(future.IsDone);
        Assert.False(future.Cancel()); // decided: nothing else settles it
        Assert.False(future.TrySetException(new InvalidOperationException("too late")));
        future.ReportProgress(3); // after the call ended: dropped
        var shutdown = settling.WhenNone();
        Assert.False(shutdown.IsCompleted);

        release.Set();

        await shutdown.WaitAsync(Probe.Bound);
        Assert.True(future.IsDone);
        Assert.Equal(7, future.Result(TimeSpan.Zero));
        Assert.Equal([(1, false), (2, false)], seen);
    }

    [Fact]
    public void ProgressWithoutCallbacks_SettlesAtOnce_AndACallbackAddedLaterGetsTheLastValue()
    {
        var future = new Future<int>();
        future.ReportProgress(1);
        future.ReportProgress(2);

        future.SetResult(7);

        Assert.True(future.IsDone);
        using var got = new ManualResetEventSlim();
        var seen = 0;
        future.AddProgressCallback<int>(value =>
        {
            seen = value;
            got.Set();
        });
        Assert.True(got.Wait(Probe.Bound), "the late callback never got the last value");
        Assert.Equal(2, seen);
    }

    [Fact]
    public void RemoteProgressValue_IsReadAsEachCallbacksType_AndOneThatDoesNotReadIsSkippedForThatCallbackOnly()
    {
        var future = new Future<int>();
        using var both = new CountdownEvent(2);
        long asLong = 0;
        double asDouble = 0;
        string? asText = null;
        future.AddProgressCallback<long>(value => { asLong = value; both.Signal(); });
        future.AddProgressCallback<string>(value => asText = value);
        future.AddProgressCallback<double>(value => { asDouble = value; both.Signal(); });

        future.ReportProgress(new SerializedProgress(Payload.Serialize(42, typeof(int), "a value")));

        Assert.True(both.Wait(Probe.Bound), "the value was not delivered to both callbacks that can read it");
        future.SetResult(0);
        Assert.Equal(42L, asLong);
        Assert.Equal(42.0, asDouble);
        Assert.Null(asText); // JSON 42 is no string
    }
}
