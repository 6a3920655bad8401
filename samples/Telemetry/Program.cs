// ActorPool's metrics and traces through the OpenTelemetry SDK: a process pool and a thread pool run calls that
// succeed, fail, are canceled and time out; the console shows what a dashboard would, metric points with their tags.
// `dotnet run --project samples/Telemetry`; with OTEL_EXPORTER_OTLP_ENDPOINT set (an Aspire dashboard, a collector),
// everything goes there over OTLP instead.
using System.Diagnostics;
using ActorPool;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

var otlp = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
using var app = new ActivitySource("Telemetry.Sample");

// Declared before the providers, so disposed after them: the providers' last export still sees both executors.
using var processes = new ProcessPoolExecutor(maxWorkers: 2);
using var threads = new ThreadPoolExecutor(maxWorkers: 4);

var resource = ResourceBuilder.CreateDefault().AddService("actorpool-telemetry-sample");
var metricsBuilder = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter("ActorPool");
using var metrics = (otlp ? metricsBuilder.AddOtlpExporter() : metricsBuilder.AddConsoleExporter()).Build();
var tracingBuilder = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource("ActorPool", app.Name);
using var tracing = (otlp ? tracingBuilder.AddOtlpExporter() : tracingBuilder.AddConsoleExporter()).Build();

Console.WriteLine(otlp
    ? $"Exporting over OTLP to {Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")}."
    : "Exporting to this console: each span as it ends, the metric points when the providers flush at exit.");

// One trace for the whole run: the ActorPool source's spans for the calls join it, wherever the calls run.
using (app.StartActivity("run the calls"))
{
    foreach (var executor in new Executor[] { processes, threads })
    {
        using var cancel = new CancellationTokenSource();
        var futures = new List<Future>();
        futures.AddRange(Enumerable.Range(1, 6).Select(i => executor.Submit(Work, i)));
        futures.AddRange(Enumerable.Range(1, 2).Select(i => executor.Submit(Fail, i)));
        futures.Add(executor.Submit(WaitForStop, new CallOptions { CancellationToken = cancel.Token }));
        futures.Add(executor.Submit(WaitForStop, new CallOptions { Timeout = TimeSpan.FromSeconds(0.5) }));
        cancel.CancelAfter(TimeSpan.FromSeconds(1));
        Future.Wait(futures);

        var outcomes = futures.GroupBy(f => f.IsCanceled ? "canceled" : f.Exception()?.GetType().Name ?? "ok");
        Console.WriteLine($"{executor.GetType().Name}: {string.Join(", ", outcomes.Select(o => $"{o.Count()} {o.Key}"))}");
    }
}

return 0; // the providers flush as they are disposed, then the executors shut down

// Static, so a worker process can run them too. WaitForStop gets the call's token as its last parameter.
static int Work(int i)
{
    Thread.Sleep(100 * i);
    return i * i;
}

static int Fail(int i) => throw new InvalidOperationException($"call {i} fails on purpose");

static bool WaitForStop(CancellationToken token)
{
    token.WaitHandle.WaitOne();
    token.ThrowIfCancellationRequested();
    return true;
}
