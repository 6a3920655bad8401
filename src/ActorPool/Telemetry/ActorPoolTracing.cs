using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using ActorPool.Calls;

namespace ActorPool.Telemetry;

/// <summary>
/// The <c>ActorPool</c> activity source (the name API.md pins), its span names and tag keys. OpenTelemetry collects its
/// spans with <c>AddSource("ActorPool")</c>. Names follow OpenTelemetry's RPC conventions in spirit: a call is a client span
/// on the submitting side and a server span where it runs, since the submitter gets an answer back (docs/telemetry.md).
/// </summary>
internal static class ActorPoolTracing
{
    public const string SourceName = "ActorPool";

    /// <summary>Submit to settle, on the submitting side (kind Client); shown as <c>actorpool.call {function}</c>.</summary>
    public const string CallSpan = "actorpool.call";

    /// <summary>Submit to start, a child of the call span (kind Internal).</summary>
    public const string QueueSpan = "actorpool.queue";

    /// <summary>The function's run, where it runs (kind Server), a child of the call span; shown as <c>actorpool.run {function}</c>.</summary>
    public const string RunSpan = "actorpool.run";

    public const string KindTag = "actorpool.executor.kind";
    public const string NameTag = "actorpool.executor.name";
    public const string FunctionTag = "code.function";
    public const string OutcomeTag = "actorpool.call.outcome";
    public const string ErrorTypeTag = "error.type";

    public static readonly ActivitySource Source = new(SourceName, typeof(ActorPoolTracing).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    // Span names per function, made once each: a method's name is unwrapped by a regex (MethodNames), too dear per call.
    private const int MaxNamed = 4096;
    private static readonly ConcurrentDictionary<MethodInfo, SpanNames> Named = new();

    /// <summary>The span names and <c>code.function</c> of <paramref name="method"/>.</summary>
    public static SpanNames NamesOf(MethodInfo method)
    {
        if (Named.TryGetValue(method, out var names))
        {
            return names;
        }

        var function = MethodNames.Describe(method);
        names = new SpanNames(function, $"{CallSpan} {function}", $"{RunSpan} {function}");
        if (Named.Count < MaxNamed) // generic instantiations made at run time could otherwise grow it without end
        {
            Named.TryAdd(method, names);
        }

        return names;
    }

    /// <summary>
    /// Stops <paramref name="activity"/> on a thread it may not have started on. <see cref="Activity.Stop"/> makes the
    /// activity that was current where it started current here, which on a worker or actor thread would leak into the
    /// next thing that thread runs; so this thread's current activity is kept.
    /// </summary>
    public static void StopKeepingCurrent(Activity activity)
    {
        var current = Activity.Current;
        activity.Stop();
        if (Activity.Current != current)
        {
            Activity.Current = current;
        }
    }

    /// <summary>Marks <paramref name="activity"/> with a call's outcome: an error status for a failure or a timeout.</summary>
    public static void SetOutcome(Activity activity, string outcome, Exception? error)
    {
        activity.SetTag(OutcomeTag, outcome);
        if (outcome is CallOutcome.Failure or CallOutcome.Timeout)
        {
            var type = error?.GetType().FullName ?? typeof(TimeoutException).FullName;
            activity.SetTag(ErrorTypeTag, type);
            activity.SetStatus(ActivityStatusCode.Error, type);
        }
    }
}

/// <summary>A function's <c>code.function</c> and the names of its call and run spans.</summary>
internal sealed record SpanNames(string Function, string Call, string Run);
