using System.Globalization;

namespace ActorPool.Benchmarks;

/// <summary>The sizes a run used, which the target rows name.</summary>
internal sealed record RunSizes(int ThreadCalls, int QueuedCalls, int ProcessWorkers, int ProcessCalls, int ProcessMapItems);

/// <summary>
/// The performance targets against a run's rounds. A verdict is on the median over the rounds (of a ratio computed inside
/// each round), as the issues state their targets; the ratio cell shows the lowest and highest round beside it.
/// </summary>
internal static class Targets
{
    private const string Dash = "—";

    public static List<TargetRow> Rows(RoundSet set, RunSizes sizes)
    {
        var rows = new List<TargetRow>();
        var threadName = Invariant($"ThreadPoolExecutor submit-then-collect, {sizes.ThreadCalls:N0} trivial calls");
        const string ThreadTarget = "≥ 1× Task.Run + WhenAll, ≥ 20× CPython TPE"; // issue 17: the thread pool keeps up with Task.Run
        if (set.Figure(Figures.ThreadSubmit) is { } threadSubmit)
        {
            var vsTaskRun = set.Ratio(Figures.ThreadSubmitVsTaskRun);
            var vsCPython = set.Ratio(Figures.ThreadSubmitVsPython);
            rows.Add(new(threadName, ThreadTarget, Figures.ThreadSubmit.Format(threadSubmit.Median), Median(set, Figures.TaskRunSubmit), CPython(set, Figures.PythonThreadSubmit),
                $"{Times(vsTaskRun)} Task.Run, {Times(vsCPython, "N1")} CPython", Summary.AllAtLeast((vsTaskRun?.Median, 1), (vsCPython?.Median, 20))));
            var roundTripVsCPython = set.Ratio(Figures.ThreadRoundTripVsPython);
            rows.Add(new("thread round trip Submit(...).Result()", "≥ 10× faster than CPython TPE",
                Median(set, Figures.ThreadRoundTrip), Median(set, Figures.TaskRunRoundTrip), CPython(set, Figures.PythonThreadRoundTrip),
                Times(roundTripVsCPython, "N1"), Summary.AllAtLeast((roundTripVsCPython?.Median, 10))));
        }
        else
        {
            rows.Add(new(threadName, ThreadTarget, Summary.NotRun, Dash, Dash, Dash, null));
            rows.Add(new("thread round trip Submit(...).Result()", "≥ 10× faster than CPython TPE", Summary.NotRun, Dash, Dash, Dash, null));
        }

        var workers = sizes.ProcessWorkers;
        var processRows = new (string Name, string Target, Figure Ours, Figure Theirs, RatioOf Ratio, string Format, double Goal)[]
        {
            (Invariant($"ProcessPoolExecutor({workers}) submit-then-collect, {sizes.ProcessCalls:N0} trivial calls"), Invariant($"≥ 10× CPython PPE({workers})"),
                Figures.ProcessSubmit, Figures.PythonProcessSubmit, Figures.ProcessSubmitVsPython, "N1", 10),
            (Invariant($"ProcessPoolExecutor({workers}).Map, {sizes.ProcessMapItems:N0} items, chunk {ProcessPoolBenchmarks.Chunk}"), "≥ 3× CPython",
                Figures.ProcessMap, Figures.PythonProcessMap, Figures.ProcessMapVsPython, "N2", 3),
            ("process round trip", "≥ 2.5× faster than CPython PPE", Figures.ProcessRoundTrip, Figures.PythonProcessRoundTrip, Figures.ProcessRoundTripVsPython, "N2", 2.5),
        };
        foreach (var (name, target, ours, theirs, ratio, format, goal) in processRows)
        {
            var spread = set.Ratio(ratio);
            rows.Add(set.Figure(ours) is null
                ? new(name, target, Summary.NotRun, Dash, Dash, Dash, null)
                : new(name, target, Median(set, ours), Dash, CPython(set, theirs), Times(spread, format), Summary.AllAtLeast((spread?.Median, goal))));
        }

        var coldName = Invariant($"cold start, constructor → first result, {workers} workers");
        rows.Add(set.Figure(Figures.ColdStart) is { } cold
            ? new(coldName, "≤ 200 ms", Figures.ColdStart.Format(cold.Median), Dash, CPython(set, Figures.PythonColdStart), Range(Figures.ColdStart, cold), cold.Median <= 200)
            : new(coldName, "≤ 200 ms", Summary.NotRun, Dash, Dash, Dash, null));

        var queuedName = Invariant($"{sizes.QueuedCalls:N0} calls queued at once (ThreadPoolExecutor, workers blocked)");
        const string QueuedTarget = "all complete; ≤ 300 bytes retained per queued call";
        var allCompleted = set.AllTrue(Figures.QueuedAllCompleted);
        rows.Add(set.Figure(Figures.QueuedRetained) is { } retained
            ? new(queuedName, QueuedTarget, Invariant($"{retained.Median:N0} B/call, {(allCompleted ? "all completed" : "NOT all completed")}"), Dash, Dash,
                Range(Figures.QueuedRetained, retained), allCompleted && retained.Median <= 300)
            : new(queuedName, QueuedTarget, Summary.NotRun, Dash, Dash, Dash, null));

        const string ClusterTarget = "≥ 0.9× linear (ideal)";
        for (var i = 0; i < ClusterBenchmarks.Runs.Count; i++)
        {
            var (nodes, prefetch) = ClusterBenchmarks.Runs[i];
            if (prefetch != ClusterBenchmarks.DefaultPrefetch)
            {
                continue; // the wait-for-idle comparison is shown in the ranges, not judged
            }

            var name = Invariant($"ClusterPoolExecutor, 10 ms sleeping calls, {nodes} node(s) × 8 workers");
            var seconds = Figures.ClusterSeconds(i);
            var toIdeal = set.Figure(Figures.ClusterRatioToIdeal(i));
            rows.Add(set.Figure(seconds) is { } s && toIdeal is { } r
                ? new(name, ClusterTarget, seconds.Format(s.Median), Dash, Dash, $"{Times(toIdeal)} ideal", r.Median >= 0.9)
                : new(name, ClusterTarget, Summary.NotRun, Dash, Dash, Dash, null));
        }

        // Stopping is judged on the median: one slow run on a shared machine is not a verdict; each round's p95 is in its own table.
        rows.Add(Stopping(set, "ThreadPoolExecutor(2) cancel of a running call, Cancel() → Result() returns", "≤ 1 ms median", Figures.ThreadCancel, 1));
        rows.Add(Stopping(set, "ProcessPoolExecutor(2) cancel of a running call, Cancel() → Result() returns", "≤ 2 ms median", Figures.ProcessCancel, 2));
        rows.Add(Stopping(set, "ProcessPoolExecutor(1) forced stop of a hung call, grace over → replacement's first result (fresh pool, spare booted)", "≤ 1 s median", Figures.ProcessForcedFresh, 1000));
        rows.Add(Stopping(set, "the same, forced stops in a row on one pool", "≤ 1 s median", Figures.ProcessForcedOnePool, 1000));
        return rows;
    }

    private static TargetRow Stopping(RoundSet set, string name, string target, Figure figure, double goalMillis) => set.Figure(figure) is { } s
        ? new(name, target, figure.Format(s.Median), Dash, Dash, Range(figure, s), s.Median <= goalMillis)
        : new(name, target, Summary.NotRun, Dash, Dash, Dash, null);

    private static string Median(RoundSet set, Figure figure) => set.Figure(figure) is { } s ? figure.Format(s.Median) : Dash;

    // A missing CPython figure means python3 was not found or --no-cpython was given.
    private static string CPython(RoundSet set, Figure figure) => set.Figure(figure) is { } s ? figure.Format(s.Median) : "skipped";

    /// <summary>A ratio's median with, over more than one round, its lowest and highest round: "8.54× (3.32–13.24)".</summary>
    private static string Times(Spread? spread, string format = "N2") => spread is not { } s
        ? Dash
        : Summary.Times(s.Median, format) + (s.Rounds > 1 ? $" ({Number(s.Min, format)}–{Number(s.Max, format)})" : "");

    /// <summary>A figure's lowest and highest round, where the ratio cell has no ratio to show.</summary>
    private static string Range(Figure figure, Spread s) => s.Rounds > 1 ? $"rounds {figure.Format(s.Min)}–{figure.Format(s.Max)}" : Dash;

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
