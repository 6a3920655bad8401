using System.Globalization;

namespace ActorPool.Benchmarks;

/// <summary>What a figure measures, which says how to print it and which way is better.</summary>
internal enum Unit
{
    PerSecond,
    Micros,
    Millis,
    Seconds,
    Bytes,
    Times,
}

/// <summary>
/// One figure of a round, found by its path in the round's JSON: the names <c>--json</c> has always written, so the
/// output of a build from before rounds existed is read the same way (<see cref="RoundFigures"/>).
/// </summary>
internal sealed record Figure(string Path, string Label, Unit Unit)
{
    public bool HigherIsBetter => Unit is Unit.PerSecond or Unit.Times;

    /// <summary>How much better <paramref name="value"/> is than <paramref name="against"/>: &gt;1 means better, whichever way the unit goes.</summary>
    public double Speed(double value, double against) => HigherIsBetter ? value / against : against / value;

    public string Format(double value) => Unit switch
    {
        Unit.PerSecond => Invariant($"{value:N0}/s"),
        Unit.Micros => Invariant($"{value:N2} µs"),
        Unit.Millis => Invariant($"{value:N3} ms"),
        Unit.Seconds => Invariant($"{value:N3} s"),
        Unit.Bytes => Invariant($"{value:N0} B"),
        _ => Invariant($"{value:N2}×"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One comparison inside a round: <see cref="Of"/>'s figure against <see cref="Against"/>'s, as a speed ratio (&gt;1× means <see cref="Of"/> is faster).</summary>
internal sealed record RatioOf(string Label, Figure Of, Figure Against);

/// <summary>Every figure the summaries and <c>--compare</c> know, and the ratios the tables and targets are stated in.</summary>
internal static class Figures
{
    public static readonly Figure ThreadSubmit = new("actorPool.submitCollectCallsPerSecond", "ThreadPoolExecutor submit-then-collect", Unit.PerSecond);
    public static readonly Figure ThreadMap = new("actorPool.mapItemsPerSecond", "ThreadPoolExecutor Map", Unit.PerSecond);
    public static readonly Figure ThreadRoundTrip = new("actorPool.roundTripMicros", "ThreadPoolExecutor round trip", Unit.Micros);
    public static readonly Figure TaskRunSubmit = new("taskRun.submitCollectCallsPerSecond", "Task.Run + WhenAll", Unit.PerSecond);
    public static readonly Figure TaskRunRoundTrip = new("taskRun.roundTripMicros", "Task.Run round trip", Unit.Micros);
    public static readonly Figure PythonThreadSubmit = new("cpython.submitCollectCallsPerSecond", "CPython TPE submit-then-collect", Unit.PerSecond);
    public static readonly Figure PythonThreadMap = new("cpython.mapItemsPerSecond", "CPython TPE map", Unit.PerSecond);
    public static readonly Figure PythonThreadRoundTrip = new("cpython.roundTripMicros", "CPython TPE round trip", Unit.Micros);
    public static readonly Figure QueuedRetained = new("queuedCalls.retainedBytesPerQueuedCall", "queued calls: bytes retained per call", Unit.Bytes);
    public static readonly Figure QueuedAllCompleted = new("queuedCalls.allCompleted", "queued calls: all completed (1 = yes)", Unit.Times);

    public static readonly Figure ProcessSubmit = new("processPool.submitCollectCallsPerSecond", "ProcessPoolExecutor submit-then-collect", Unit.PerSecond);
    public static readonly Figure ProcessSubmitNoPrefetch = new("processPool.submitCollectWithoutPrefetchCallsPerSecond", "ProcessPoolExecutor submit-then-collect, prefetch = 0", Unit.PerSecond);
    public static readonly Figure ProcessMap = new("processPool.mapItemsPerSecond", "ProcessPoolExecutor Map, chunk 1000", Unit.PerSecond);
    public static readonly Figure ProcessRoundTrip = new("processPool.roundTripMicros", "ProcessPoolExecutor round trip", Unit.Micros);
    public static readonly Figure BareLoopback = new("processPool.bareLoopbackRoundTripMicros", "bare Akka.Remote ask, loopback transport", Unit.Micros);
    public static readonly Figure BareDotNetty = new("processPool.bareRemotingRoundTripMicros", "bare Akka.Remote ask, DotNetty TCP", Unit.Micros);
    public static readonly Figure ColdStart = new("processPool.coldStartMillis", "cold start, back to back", Unit.Millis);
    public static readonly Figure ColdStartSpares = new("processPool.coldStartWithBootedSparesMillis", "cold start, spares booted", Unit.Millis);
    public static readonly Figure PythonProcessSubmit = new("processPool.cpython.submitCollectCallsPerSecond", "CPython PPE submit-then-collect", Unit.PerSecond);
    public static readonly Figure PythonProcessMap = new("processPool.cpython.mapItemsPerSecond", "CPython PPE map, chunk 1000", Unit.PerSecond);
    public static readonly Figure PythonProcessRoundTrip = new("processPool.cpython.roundTripMicros", "CPython PPE round trip", Unit.Micros);
    public static readonly Figure PythonColdStart = new("processPool.cpython.coldStartMillis", "CPython PPE cold start", Unit.Millis);

    public static readonly Figure ThreadCancel = Stopping("threadCancelToResultMillis", "ThreadPoolExecutor(2) cancel → Result() returns");
    public static readonly Figure ProcessCancel = Stopping("processCancelToResultMillis", "ProcessPoolExecutor(2) cancel → Result() returns");
    public static readonly Figure ProcessForcedFresh = Stopping("processForcedFreshPoolGraceEndToReplacementResultMillis", "ProcessPoolExecutor(1) forced stop → replacement's result, fresh pool");
    public static readonly Figure ProcessForcedOnePool = Stopping("processForcedOnePoolGraceEndToReplacementResultMillis", "the same, forced stops in a row on one pool");

    /// <summary>Every figure, in the order the tables print them; a figure a round did not measure is left out of them.</summary>
    public static readonly IReadOnlyList<Figure> All =
    [
        ThreadSubmit, ThreadMap, ThreadRoundTrip,
        new("actorPool.submitCollectBytesPerCall", "ThreadPoolExecutor submit-then-collect, bytes per call", Unit.Bytes),
        new("actorPool.mapBytesPerItem", "ThreadPoolExecutor Map, bytes per item", Unit.Bytes),
        new("actorPool.roundTripBytesPerCall", "ThreadPoolExecutor round trip, bytes per call", Unit.Bytes),
        TaskRunSubmit, TaskRunRoundTrip,
        new("taskRun.submitCollectBytesPerCall", "Task.Run + WhenAll, bytes per call", Unit.Bytes),
        new("taskRun.roundTripBytesPerCall", "Task.Run round trip, bytes per call", Unit.Bytes),
        PythonThreadSubmit, PythonThreadMap, PythonThreadRoundTrip,
        QueuedRetained,
        new("queuedCalls.allocatedBytesPerQueuedCall", "queued calls: bytes allocated per submit", Unit.Bytes),
        new("queuedCalls.submitSeconds", "queued calls: time to queue them", Unit.Seconds),
        new("queuedCalls.drainSeconds", "queued calls: time to drain them", Unit.Seconds),
        ProcessSubmit, ProcessSubmitNoPrefetch, ProcessMap, ProcessRoundTrip, BareLoopback, BareDotNetty, ColdStart, ColdStartSpares,
        new("processPool.submitCollectBytesPerCall", "ProcessPoolExecutor submit-then-collect, bytes per call", Unit.Bytes),
        new("processPool.mapBytesPerItem", "ProcessPoolExecutor Map, bytes per item", Unit.Bytes),
        new("processPool.roundTripBytesPerCall", "ProcessPoolExecutor round trip, bytes per call", Unit.Bytes),
        PythonProcessSubmit, PythonProcessMap, PythonProcessRoundTrip, PythonColdStart,
        .. ClusterBenchmarks.Runs.SelectMany((run, i) => new[] { ClusterSeconds(i), ClusterRatioToIdeal(i) }),
        ThreadCancel,
        Stopping("threadCancelToCallbackMillis", "the same → the done-callback runs"),
        ProcessCancel,
        Stopping("processCancelToCallbackMillis", "the same → the done-callback runs"),
        Stopping("threadForcedGraceEndToSettledMillis", "ThreadPoolExecutor(1) forced stop → future settled"),
        Stopping("threadForcedGraceEndToNextResultMillis", "the same → the next call's result"),
        Stopping("processForcedFreshPoolGraceEndToSettledMillis", "ProcessPoolExecutor(1) forced stop → future settled, fresh pool"),
        ProcessForcedFresh,
        Stopping("processForcedOnePoolGraceEndToSettledMillis", "ProcessPoolExecutor(1) forced stops in a row on one pool → future settled"),
        ProcessForcedOnePool,
    ];

    public static readonly RatioOf ThreadSubmitVsTaskRun = new("ThreadPoolExecutor submit-then-collect ÷ Task.Run + WhenAll", ThreadSubmit, TaskRunSubmit);
    public static readonly RatioOf ThreadSubmitVsPython = new("ThreadPoolExecutor submit-then-collect ÷ CPython TPE", ThreadSubmit, PythonThreadSubmit);
    public static readonly RatioOf ThreadRoundTripVsPython = new("ThreadPoolExecutor round trip vs CPython TPE", ThreadRoundTrip, PythonThreadRoundTrip);
    public static readonly RatioOf ProcessSubmitVsPython = new("ProcessPoolExecutor submit-then-collect ÷ CPython PPE", ProcessSubmit, PythonProcessSubmit);
    public static readonly RatioOf ProcessMapVsPython = new("ProcessPoolExecutor Map ÷ CPython PPE map", ProcessMap, PythonProcessMap);
    public static readonly RatioOf ProcessRoundTripVsPython = new("ProcessPoolExecutor round trip vs CPython PPE", ProcessRoundTrip, PythonProcessRoundTrip);

    /// <summary>The ratios, each computed per round from that round's two figures.</summary>
    public static readonly IReadOnlyList<RatioOf> Ratios =
    [
        ThreadSubmitVsTaskRun,
        ThreadSubmitVsPython,
        // Task.Run has no map: its submit-then-collect is the same work.
        new("ThreadPoolExecutor Map ÷ Task.Run + WhenAll", ThreadMap, TaskRunSubmit),
        new("ThreadPoolExecutor Map ÷ CPython TPE map", ThreadMap, PythonThreadMap),
        new("ThreadPoolExecutor round trip vs Task.Run", ThreadRoundTrip, TaskRunRoundTrip),
        ThreadRoundTripVsPython,
        ProcessSubmitVsPython,
        new("ProcessPoolExecutor submit-then-collect, prefetch = 0 ÷ CPython PPE", ProcessSubmitNoPrefetch, PythonProcessSubmit),
        ProcessMapVsPython,
        ProcessRoundTripVsPython,
        new("bare Akka.Remote ask, loopback transport vs CPython PPE round trip", BareLoopback, PythonProcessRoundTrip),
        new("bare Akka.Remote ask, DotNetty TCP vs CPython PPE round trip", BareDotNetty, PythonProcessRoundTrip),
        new("cold start, back to back vs CPython PPE", ColdStart, PythonColdStart),
        new("cold start, spares booted vs CPython PPE", ColdStartSpares, PythonColdStart),
    ];

    /// <summary>The <paramref name="index"/>th cluster run of <see cref="ClusterBenchmarks.Runs"/>: its median seconds.</summary>
    public static Figure ClusterSeconds(int index) =>
        new($"clusterPool[{index}].MedianSeconds", ClusterLabel(index) + ": seconds", Unit.Seconds);

    /// <summary>The same run against the ideal (every worker busy all the time).</summary>
    public static Figure ClusterRatioToIdeal(int index) =>
        new($"clusterPool[{index}].RatioToIdeal", ClusterLabel(index) + ": ratio to ideal", Unit.Times);

    private static string ClusterLabel(int index)
    {
        var (nodes, prefetch) = ClusterBenchmarks.Runs[index];
        return string.Create(CultureInfo.InvariantCulture, $"ClusterPoolExecutor, {nodes} node(s)")
            + (prefetch == ClusterBenchmarks.DefaultPrefetch ? "" : string.Create(CultureInfo.InvariantCulture, $", prefetch = {prefetch}"));
    }

    // A stopping figure's median over its runs inside the round (its p95 and max are in the round's own table and JSON).
    private static Figure Stopping(string name, string label) => new($"stopping.{name}.median", label + " (median)", Unit.Millis);
}
