using System.Diagnostics.Metrics;

namespace ActorPool.Telemetry;

/// <summary>
/// The instruments of the <c>ActorPool</c> meter (the names API.md pins), one set per process. Every measurement carries
/// its executor's <c>actorpool.executor.kind</c> and <c>actorpool.executor.name</c> (<see cref="ExecutorMeter"/>).
/// OpenTelemetry collects them with <c>AddMeter("ActorPool")</c>.
/// </summary>
internal static class ActorPoolInstruments
{
    public const string MeterName = "ActorPool";

    // Calls run from well under a millisecond (a thread pool) to minutes: OpenTelemetry's default buckets are in milliseconds.
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    };

    public static readonly Meter Meter = new(MeterName, typeof(ActorPoolInstruments).Assembly.GetName().Version?.ToString(3));

    public static readonly Counter<long> Submitted = Meter.CreateCounter<long>(
        "actorpool.calls.submitted", "{call}", "Calls an executor accepted (each Submit, each chunk of a Map).");

    public static readonly Counter<long> Completed = Meter.CreateCounter<long>(
        "actorpool.calls.completed", "{call}", "Calls settled, by outcome: success, failure, canceled or timeout.");

    // Read from counts each executor keeps, so they are exact whenever a listener attaches (ExecutorMeter).
    public static readonly ObservableUpDownCounter<long> Queued = Meter.CreateObservableUpDownCounter(
        "actorpool.calls.queued", ExecutorMeter.ObserveQueued, "{call}", "Calls accepted and not yet started.");

    public static readonly ObservableUpDownCounter<long> Running = Meter.CreateObservableUpDownCounter(
        "actorpool.calls.running", ExecutorMeter.ObserveRunning, "{call}", "Calls started and not yet settled.");

    public static readonly Histogram<double> Duration = Meter.CreateHistogram(
        "actorpool.call.duration", "s", "Run time of a call that started: from its start to its settling.", advice: Seconds);

    public static readonly ObservableGauge<int> Workers = Meter.CreateObservableGauge(
        "actorpool.workers", ExecutorMeter.ObserveWorkers, "{worker}", "Workers each executor has now: threads, worker processes or node workers.");

    public static readonly Counter<long> Restarts = Meter.CreateCounter<long>(
        "actorpool.worker.restarts", "{worker}", "Workers replaced, by reason: crashed, recycled, stopped or memory.");

    public static readonly Counter<long> Retried = Meter.CreateCounter<long>(
        "actorpool.calls.retried", "{call}", "Attempts of calls posted again by their retry policy, by reason: failure or worker_lost.");

    public static readonly Histogram<double> QueueDuration = Meter.CreateHistogram(
        "actorpool.call.queue.duration", "s", "Time a call waited: from its submission to its start.", advice: Seconds);
}
