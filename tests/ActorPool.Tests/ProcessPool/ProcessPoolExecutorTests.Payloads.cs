using System.Diagnostics;

namespace ActorPool.Tests.ProcessPool;

// Arguments and results that cannot travel, or are large. Each test has a pool of one worker; a value that cannot
// travel must fail only its own future, leave the worker in place (same pid) and never hang.
public sealed partial class ProcessPoolExecutorTests
{
    private const int SixtyFourMegabytes = 64 << 20;

    // Over the default max-payload-size of 128 MiB (a byte[] travels as its raw bytes).
    private const int OverTheLimit = 130 << 20;

    [Fact]
    public void Submit_UnserializableArgument_OnlyThatFutureFailsWithPayloadException()
    {
        var executor = Start(1);
        var pid = Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));

        var future = executor.Submit(ProcessCalls.ValueOf, ProcessCalls.Cycle()); // Submit itself does not throw

        var error = Assert.IsType<PayloadException>(future.Exception(Bound));
        Assert.Contains(nameof(Node), error.Message, StringComparison.Ordinal);
        Assert.Equal(pid, executor.Submit(ProcessCalls.Pid).Result(Bound));
    }

    [Fact]
    public void Submit_ArgumentChangedAfterSubmit_TheWorkerSeesItAsItWasAtSubmit()
    {
        var executor = Start(1);
        var busy = executor.Submit(ProcessCalls.PidAfter, 500); // the next call waits in the queue, not yet sent
        var items = new List<int> { 1, 2, 3 };

        var queued = executor.Submit(ProcessCalls.Echo, items);
        items.Add(4);

        Seen(busy.Result(Bound));
        Assert.Equal([1, 2, 3], queued.Result(Bound));
    }

    [Fact]
    public void Submit_UnserializableResult_OnlyThatFutureFailsWithPayloadException()
    {
        var executor = Start(1);
        var pid = Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));

        var error = Assert.IsType<PayloadException>(executor.Submit(ProcessCalls.Cycle).Exception(Bound));

        Assert.Contains(nameof(Node), error.Message, StringComparison.Ordinal);
        Assert.Equal(pid, executor.Submit(ProcessCalls.Pid).Result(Bound));
    }

    [Fact]
    public void Submit_ResultThatCannotBeReadBack_OnlyThatFutureFailsWithPayloadException()
    {
        var executor = Start(1);
        var pid = Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));

        var error = Assert.IsType<PayloadException>(executor.Submit(ProcessCalls.NoPublicConstructorOf, 5).Exception(Bound));

        Assert.Contains(nameof(NoPublicConstructor), error.Message, StringComparison.Ordinal);
        Assert.Equal(pid, executor.Submit(ProcessCalls.Pid).Result(Bound));
    }

    [Fact]
    public void Submit_ArgumentOverTheSizeLimit_OnlyThatFutureFailsWithPayloadException()
    {
        var executor = Start(1);
        var pid = Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));

        var error = Assert.IsType<PayloadException>(executor.Submit(ProcessCalls.Length, new byte[OverTheLimit]).Exception(Bound));

        Assert.Contains("max-payload-size", error.Message, StringComparison.Ordinal);
        Assert.Equal(pid, executor.Submit(ProcessCalls.Pid).Result(Bound));
    }

    [Fact]
    public void Submit_ResultOverTheSizeLimit_OnlyThatFutureFailsWithPayloadException()
    {
        var executor = Start(1);
        var pid = Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));

        var error = Assert.IsType<PayloadException>(executor.Submit(ProcessCalls.Bytes, OverTheLimit).Exception(Bound));

        Assert.Contains("max-payload-size", error.Message, StringComparison.Ordinal);
        Assert.Equal(pid, executor.Submit(ProcessCalls.Pid).Result(Bound));
    }

    [Fact]
    public void Submit_SixtyFourMegabyteResult_ArrivesWhole()
    {
        var executor = Start(1);
        Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));
        var clock = Stopwatch.StartNew();

        var result = executor.Submit(ProcessCalls.Bytes, SixtyFourMegabytes).Result(Bound);

        output.WriteLine($"A 64 MB result came back in {clock.ElapsedMilliseconds} ms.");
        Assert.Equal(SixtyFourMegabytes, result.Length);
        Assert.True(ProcessCalls.HasPattern(result), "the 64 MB result came back altered");
    }

    [Fact]
    public void Submit_SixtyFourMegabyteArgument_ArrivesWhole()
    {
        var executor = Start(1);
        Seen(executor.Submit(ProcessCalls.Pid).Result(Bound));
        var argument = ProcessCalls.Bytes(SixtyFourMegabytes);
        var clock = Stopwatch.StartNew();

        var length = executor.Submit(ProcessCalls.PatternLength, argument).Result(Bound);

        output.WriteLine($"A 64 MB argument went through in {clock.ElapsedMilliseconds} ms.");
        Assert.Equal(SixtyFourMegabytes, length); // the worker saw the whole pattern
    }
}
