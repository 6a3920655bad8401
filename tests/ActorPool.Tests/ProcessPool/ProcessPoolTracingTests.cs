using System.Diagnostics;
using ActorPool.Tests.Contract;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ActorPool.Tests.ProcessPool;

/// <summary>
/// One trace across the parent and a worker process, each with the real OpenTelemetry SDK and an in-memory exporter:
/// the parent records the call span, the worker its run span and the user's own span inside it, all in the submitter's trace.
/// </summary>
/// <remarks>
/// Alone in its collection, run while no other test runs: an OpenTelemetry sampler that drops a trace still hands a new
/// trace's root on as propagation-only, so the other tests' untraced calls would otherwise carry a context meanwhile.
/// </remarks>
[Collection(TracingDefinition.Name)]
[Trait("Category", "Slow")] // a real worker process
public sealed class ProcessPoolTracingTests
{
    [Fact]
    public void Submit_WithTheSdkInTheParentAndTheWorker_OneTraceSpansBoth()
    {
        _ = SharedState.Root;
        using var submitter = new Activity("actorpool.tests.request").SetIdFormat(ActivityIdFormat.W3C).Start();
        var trace = submitter.TraceId;
        var parentSpans = new List<Activity>();
        using (var parentProvider = Sdk.CreateTracerProviderBuilder()
                   .AddSource("ActorPool")
                   .SetSampler(new OneTrace(trace))
                   .AddInMemoryExporter(parentSpans)
                   .Build())
        {
            using var executor = new ProcessPoolExecutor(1, WorkerTracing.Install);

            Assert.Equal(-7, executor.Submit(WorkerTracing.Work, 7).Result(Probe.Bound));
            var workerSpans = executor.Submit(WorkerTracing.Seen).Result(Probe.Bound).Select(SpanLine.Parse).ToList();
            executor.Shutdown(wait: true);
            parentProvider.ForceFlush();

            // The SDK's listener hears spans other tests' listeners sampled too: keep this trace's.
            var calls = parentSpans.Where(span => span.TraceId == trace && span.OperationName == "actorpool.call").ToList();
            Assert.Equal(2, calls.Count);
            Assert.All(calls, call => Assert.Equal((trace, submitter.SpanId, ActivityKind.Client), (call.TraceId, call.ParentSpanId, call.Kind)));
            var workCall = Assert.Single(calls, call => call.DisplayName.Contains("WorkerTracing.Work", StringComparison.Ordinal));
            Assert.Equal("process", workCall.GetTagItem("actorpool.executor.kind"));
            Assert.Equal(executor.Meter.Name, workCall.GetTagItem("actorpool.executor.name"));
            Assert.Equal("WorkerTracing.Work", workCall.GetTagItem("code.function"));
            Assert.Equal("success", workCall.GetTagItem("actorpool.call.outcome"));
            Assert.Contains(parentSpans, span => span.OperationName == "actorpool.queue" && span.ParentSpanId == workCall.SpanId);

            // The worker's own exporter saw the run of the first call (the second's still runs as it reads them), in the
            // submitter's trace under that call's span, and the user's span under the run.
            var run = Assert.Single(workerSpans, span => span.Name.StartsWith("actorpool.run ", StringComparison.Ordinal));
            Assert.Equal("actorpool.run WorkerTracing.Work", run.Name);
            Assert.Equal(ActivityKind.Server, run.Kind);
            Assert.Equal(trace.ToHexString(), run.TraceId);
            Assert.Equal(workCall.SpanId.ToHexString(), run.ParentSpanId);
            var user = Assert.Single(workerSpans, span => span.Name == "user.work");
            Assert.Equal(trace.ToHexString(), user.TraceId);
            Assert.Equal(run.SpanId, user.ParentSpanId);
        }
    }

    /// <summary>Samples one trace and drops every other, as a test must not record the calls of others.</summary>
    private sealed class OneTrace(ActivityTraceId trace) : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            new(samplingParameters.TraceId == trace ? SamplingDecision.RecordAndSample : SamplingDecision.Drop);
    }
}

/// <summary>The tests that attach the OpenTelemetry SDK in the test process: run alone, after the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingDefinition
{
    public const string Name = "Tracing";
}
