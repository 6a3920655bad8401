using System.Collections.Concurrent;
using System.Diagnostics;
using ActorPool.Tests.Support;

namespace ActorPool.Tests.Contract;

// Traces (API.md "Telemetry"): the submitter's trace context reaches the function wherever it runs, and the call span the
// submitting side records ends once, with the call's outcome. No test here lets a listener sample another test's calls.
public abstract partial class ExecutorContractTests
{
    [Fact]
    public void Trace_NobodyListens_TheFunctionRunsInAnActivityOfTheSubmittersTrace()
    {
        var executor = StartExecutor(1);
        using var submitter = Submitter();

        var seen = TraceCalls.Parse(executor.Submit(TraceCalls.Seen).Result(Probe.Bound));
        var seenAsync = TraceCalls.Parse(executor.Submit(TraceCalls.SeenAfterAwait).Result(Probe.Bound));

        Assert.Equal((submitter.TraceId.ToHexString(), submitter.SpanId.ToHexString()), seen);
        Assert.Equal((submitter.TraceId.ToHexString(), submitter.SpanId.ToHexString()), seenAsync); // current across the function's awaits
    }

    [Fact]
    public void Trace_NobodyListens_EveryMapItemRunsInTheSubmittersTrace()
    {
        var executor = StartExecutor(2);
        using var submitter = Submitter();
        var expected = (submitter.TraceId.ToHexString(), submitter.SpanId.ToHexString());

        var mapped = executor.Map(TraceCalls.SeenWith, [1, 2, 3, 4, 5], chunkSize: 2).ToList();

        Assert.All(mapped, seen => Assert.Equal(expected, TraceCalls.Parse(seen)));
        Assert.Equal(5, mapped.Count);
    }

    [Fact]
    public async Task Trace_NobodyListens_EveryMapAsyncItemRunsInTheSubmittersTrace()
    {
        var executor = StartExecutor(2);
        using var submitter = Submitter();
        var expected = (submitter.TraceId.ToHexString(), submitter.SpanId.ToHexString());

        var mapped = new List<string>();
        await foreach (var seen in executor.MapAsync(TraceCalls.SeenWith, [1, 2, 3]))
        {
            mapped.Add(seen);
        }

        Assert.All(mapped, seen => Assert.Equal(expected, TraceCalls.Parse(seen)));
        Assert.Equal(3, mapped.Count);
    }

    [Fact]
    public void Trace_SubmitterWithoutActivity_TheFunctionRunsWithoutOne_EvenOnAWorkerThatRanATracedCall()
    {
        var executor = StartExecutor(1);
        using (Submitter())
        {
            Assert.NotEqual(TraceCalls.None, executor.Submit(TraceCalls.Seen).Result(Probe.Bound));
        }

        Activity.Current = null;
        Assert.Equal(TraceCalls.None, executor.Submit(TraceCalls.Seen).Result(Probe.Bound)); // the worker left nothing current behind
    }

    [Fact]
    public void Trace_SubmitLeavesTheSubmittersActivityCurrent()
    {
        var executor = StartExecutor(1);
        using var submitter = Submitter();
        using var spans = new SpanCapture(submitter.TraceId);

        var future = executor.Submit(ContractCalls.Negate, 1);

        Assert.Same(submitter, Activity.Current);
        Assert.Equal(-1, future.Result(Probe.Bound));
        Assert.Same(submitter, Activity.Current);
    }

    [Fact]
    public void Trace_Listening_TheCallSpanIsTheSubmittersChild_AndTheRunAndQueueItsChildren()
    {
        var executor = StartExecutor(1);
        using var submitter = Submitter();
        using var spans = new SpanCapture(submitter.TraceId);

        var seen = TraceCalls.Parse(executor.Submit(TraceCalls.Seen).Result(Probe.Bound));

        var call = Assert.Single(spans.Calls);
        Assert.Equal(ActivityKind.Client, call.Kind);
        Assert.Equal(submitter.SpanId, call.ParentSpanId);
        Assert.Equal(submitter.TraceId, call.TraceId);
        Assert.StartsWith("actorpool.call ", call.DisplayName, StringComparison.Ordinal);
        Assert.Contains("Seen", call.DisplayName, StringComparison.Ordinal);
        Assert.Equal(ExpectedKind, call.GetTagItem("actorpool.executor.kind"));
        Assert.Equal(executor.Meter.Name, call.GetTagItem("actorpool.executor.name"));
        Assert.Equal("TraceCalls.Seen", call.GetTagItem("code.function"));
        Assert.Equal("success", call.GetTagItem("actorpool.call.outcome"));
        Assert.Equal(ActivityStatusCode.Unset, call.Status);
        Assert.Equal((submitter.TraceId.ToHexString(), call.SpanId.ToHexString()), seen); // the run continues the call span

        var queue = Assert.Single(spans.Named("actorpool.queue"));
        Assert.Equal(call.SpanId, queue.ParentSpanId);
        foreach (var run in spans.Named("actorpool.run")) // recorded here only when the call ran in this process
        {
            Assert.Equal(call.SpanId, run.ParentSpanId);
            Assert.Equal(ActivityKind.Server, run.Kind);
            Assert.Equal("success", run.GetTagItem("actorpool.call.outcome"));
        }
    }

    [Fact]
    public void Trace_Listening_TheCallSpanEndsOnceWithTheOutcome_SuccessFailureCancelAndTimeout()
    {
        var executor = StartExecutor(1);
        using var submitter = Submitter();
        using var spans = new SpanCapture(submitter.TraceId);
        using var probe = new Probe(blocks: static item => item == 0);

        var blocker = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);
        var canceled = executor.Submit(ContractCalls.Negate, 1);
        Assert.True(canceled.Cancel());
        probe.Open();
        Assert.Equal(0, blocker.Result(Probe.Bound));
        var failure = executor.Submit(ContractCalls.Fail, "traced").Exception(Probe.Bound);
        Assert.IsType<TimeoutException>(executor.Submit(StopCalls.WaitForToken, probe.Key, 5,
            new CallOptions { Timeout = TimeSpan.FromMilliseconds(100) }).Exception(Probe.Bound));

        Assert.True(spans.Calls.Count == 4, $"call spans: {string.Join(", ", spans.Calls.Select(SpanCapture.Describe))}");
        Assert.Equal(4, spans.Calls.Select(call => call.SpanId).Distinct().Count()); // each call span ended once
        var byFunction = spans.Calls.ToLookup(call => (string?)call.GetTagItem("code.function"));
        var success = Assert.Single(byFunction["ContractCalls.Step"]);
        Assert.Equal(("success", ActivityStatusCode.Unset), (success.GetTagItem("actorpool.call.outcome"), success.Status));
        var cancel = Assert.Single(byFunction["ContractCalls.Negate"]);
        Assert.Equal(("canceled", ActivityStatusCode.Unset), (cancel.GetTagItem("actorpool.call.outcome"), cancel.Status));
        var failed = Assert.Single(byFunction["ContractCalls.Fail"]);
        Assert.Equal(("failure", ActivityStatusCode.Error), (failed.GetTagItem("actorpool.call.outcome"), failed.Status));
        Assert.Equal(failure!.GetType().FullName, failed.GetTagItem("error.type"));
        var timedOut = Assert.Single(byFunction["StopCalls.WaitForToken"]);
        Assert.Equal(("timeout", ActivityStatusCode.Error), (timedOut.GetTagItem("actorpool.call.outcome"), timedOut.Status));
        Assert.Equal(typeof(TimeoutException).FullName, timedOut.GetTagItem("error.type"));

        // Every queue span ended too, the canceled call's when it was canceled; each call span has exactly one.
        Assert.Equal(spans.Calls.Select(call => call.SpanId.ToHexString()).Order(), spans.Named("actorpool.queue").Select(queue => queue.ParentSpanId.ToHexString()).Order());
        Assert.Equal(0, spans.Unended);
    }

    [Fact]
    public async Task Trace_Listening_CallsCanceledByShutdownEndTheirSpans()
    {
        var executor = StartExecutor(1);
        using var submitter = Submitter();
        using var spans = new SpanCapture(submitter.TraceId);
        using var probe = new Probe(blocks: static item => item == 0);
        var blocker = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);
        var queued = Enumerable.Range(1, 3).Select(i => executor.Submit(ContractCalls.Negate, i)).ToList();

        executor.Shutdown(wait: false, cancelFutures: true);
        probe.Open();
        Assert.Equal(0, blocker.Result(Probe.Bound));
        Assert.Empty(Future.Wait(queued, Probe.Bound).NotDone);
        await executor.ShutdownAsync().WaitAsync(Probe.Bound);

        Assert.True(spans.Calls.Count == 4, $"call spans: {string.Join(", ", spans.Calls.Select(SpanCapture.Describe))}");
        Assert.Equal(0, spans.Unended);
        var negated = spans.Calls.Where(call => (string?)call.GetTagItem("code.function") == "ContractCalls.Negate").ToList();
        Assert.Equal(queued.Count(future => future.IsCanceled), negated.Count(call => (string?)call.GetTagItem("actorpool.call.outcome") == "canceled"));
        Assert.Equal(queued.Count(future => !future.IsCanceled), negated.Count(call => (string?)call.GetTagItem("actorpool.call.outcome") == "success"));
    }

    [Fact]
    public void Trace_Listening_ASubmitterInTheHierarchicalFormat_GetsACallSpanThatEnds()
    {
        var executor = StartExecutor(1);
        using var submitter = new Activity("actorpool.tests.hierarchical").SetIdFormat(ActivityIdFormat.Hierarchical).Start();
        var submitterId = submitter.Id;
        var calls = new ConcurrentQueue<(string? ParentId, bool Stopped)>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "ActorPool",
            // A parent without W3C ids reaches a sampler as none; only the submitting thread knows it is this test's.
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent == default && Activity.Current?.RootId == submitter.RootId ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = span =>
            {
                if (span.OperationName == "actorpool.call" && span.RootId == submitter.RootId) // spans other listeners sampled reach this one too
                {
                    calls.Enqueue((span.ParentId, span.IsStopped));
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        Assert.Equal(-1, executor.Submit(ContractCalls.Negate, 1).Result(Probe.Bound));

        Assert.Equal((submitterId, true), Assert.Single(calls)); // no W3C ids to hand on, yet ended like any other
    }

    [Fact]
    public async Task Context_TheExecutorKeepsNothingOfTheCodeThatMadeIt()
    {
        // A thread, timer or exit watch made while flow is on keeps its maker's async-locals for life: an executor made
        // inside a request must not run what it runs later (calls, callbacks) under that request's activity and values.
        var executor = InsideARequest.Make(() => StartExecutor(1));

        using var probe = new Probe(blocks: static item => item == 0);
        var future = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);
        var seen = new TaskCompletionSource<(string?, string?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        future.AddDoneCallback(_ => seen.TrySetResult(InsideARequest.Seen())); // runs where it settles
        probe.Open();

        Assert.Equal(0, future.Result(Probe.Bound));
        Assert.Equal((null, null), await seen.Task.WaitAsync(Probe.Bound)); // a TimeoutException if it never ran
        Assert.Equal(TraceCalls.None, executor.Submit(TraceCalls.Seen).Result(Probe.Bound)); // nor the call, where it runs
    }

    /// <summary>A started activity of the test's own, in W3C format, current until disposed.</summary>
    private static Activity Submitter() => new Activity("actorpool.tests.submitter").SetIdFormat(ActivityIdFormat.W3C).Start();

    /// <summary>
    /// Listens to the ActorPool source, sampling only the spans of one trace (so calls of tests running meanwhile stay
    /// unsampled), and keeps those that ended.
    /// </summary>
    private sealed class SpanCapture : IDisposable
    {
        private readonly ActivityListener listener;
        private readonly ConcurrentQueue<Activity> ended = new();
        private int started;

        public SpanCapture(ActivityTraceId trace)
        {
            listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "ActorPool",
                Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                    options.Parent.TraceId == trace ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
                // A listener hears every span of the sources it listens to, sampled by whichever listener: keep this trace's.
                ActivityStarted = span =>
                {
                    if (span.TraceId == trace)
                    {
                        Interlocked.Increment(ref started);
                    }
                },
                ActivityStopped = span =>
                {
                    if (span.TraceId == trace)
                    {
                        ended.Enqueue(span);
                    }
                },
            };
            ActivitySource.AddActivityListener(listener);
        }

        /// <summary>The call spans that ended.</summary>
        public List<Activity> Calls => Named("actorpool.call");

        /// <summary>Spans started and not ended.</summary>
        public int Unended => Volatile.Read(ref started) - ended.Count;

        public List<Activity> Named(string operation) => ended.Where(span => span.OperationName == operation).ToList();

        public void Dispose() => listener.Dispose();

        /// <summary>A span in one line, for a failure's message.</summary>
        public static string Describe(Activity span) =>
            $"{span.GetTagItem("code.function")} {span.SpanId} (parent {span.ParentSpanId}, {span.GetTagItem("actorpool.executor.name")}, {span.GetTagItem("actorpool.call.outcome")}, started {span.StartTimeUtc:HH:mm:ss.fff})";
    }
}
