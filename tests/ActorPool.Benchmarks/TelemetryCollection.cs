using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace ActorPool.Benchmarks;

/// <summary>
/// The OpenTelemetry SDK collecting the <c>ActorPool</c> meter, exported to memory every second: every measurement is
/// aggregated as it would be for a real exporter, so a run with it shows what telemetry costs an app that uses it.
/// </summary>
internal static class TelemetryCollection
{
    public static IDisposable Start()
    {
        var exported = new List<Metric>();
        return Sdk.CreateMeterProviderBuilder()
            .AddMeter("ActorPool")
            .AddInMemoryExporter(exported, reader => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 1000)
            .Build();
    }
}
