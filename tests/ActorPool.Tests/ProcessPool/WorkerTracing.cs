using System.Diagnostics;
using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ActorPool.Tests.ProcessPool;

/// <summary>
/// What <see cref="ProcessPoolTracingTests"/> runs in a worker process (this test host, started as a worker): an
/// initializer that gives the worker an OpenTelemetry tracer provider of its own with an in-memory exporter, a function
/// that records a span of the user's own, and one that returns every span the worker's exporter has seen.
/// </summary>
internal static class WorkerTracing
{
    /// <summary>The test's own activity source, as a user's code would have one.</summary>
    public const string UserSourceName = "ActorPool.Tests.UserCode";

    private static readonly ActivitySource UserSource = new(UserSourceName);
    private static readonly List<Activity> Exported = [];
    private static TracerProvider? provider;

    /// <summary>The pool's initializer: what an app's worker would set up at start.</summary>
    public static void Install() =>
        provider = Sdk.CreateTracerProviderBuilder()
            .AddSource("ActorPool", UserSourceName)
            .AddInMemoryExporter(Exported)
            .Build();

    /// <summary>Does the user's work under a span of its own, a child of whatever is current (the call's run span).</summary>
    public static int Work(int x)
    {
        using var span = UserSource.StartActivity("user.work");
        return -x;
    }

    /// <summary>Every span the worker's exporter has seen, ended, as <see cref="SpanLine.Format"/> writes them.</summary>
    public static string[] Seen()
    {
        provider?.ForceFlush();
        lock (Exported)
        {
            return Exported.Select(SpanLine.Format).ToArray();
        }
    }
}

/// <summary>A span as one line of text, to travel back from a worker process: name, kind, trace, span and parent span ids.</summary>
internal sealed record SpanLine(string Name, ActivityKind Kind, string TraceId, string SpanId, string ParentSpanId)
{
    public static string Format(Activity span) =>
        string.Join('|', span.DisplayName, span.Kind.ToString(), span.TraceId.ToHexString(), span.SpanId.ToHexString(), span.ParentSpanId.ToHexString());

    public static SpanLine Parse(string line)
    {
        var parts = line.Split('|');
        return new SpanLine(parts[0], Enum.Parse<ActivityKind>(parts[1]), parts[2], parts[3], parts[4]);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({Kind}) {TraceId}/{ParentSpanId}->{SpanId}");
}
