// ActorPool's executors against Task.Run and CPython's concurrent.futures, on the same trivial calls.
// Usage: dotnet run -c Release --project tests/ActorPool.Benchmarks -- [--reps N] [--workers N] [--json PATH] [--quick] [--pools threads|processes|cluster|stopping|memory|both|all] [--queued N] [--telemetry]
// Prints a table per pool, then one table of the performance targets with PASS/MISS; --json writes every figure.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using ActorPool;
using ActorPool.Benchmarks;

if (RemotingBaseline.RunAsChild(args))
{
    return; // this run is the echo child of the bare Akka.Remote round trip
}

int? repsOption = null;
var workers = Math.Min(32, Environment.ProcessorCount + 4);
string? jsonPath = null;
var quick = false;
var pools = "both";
int? queuedOption = null;
var telemetry = false;
for (var a = 0; a < args.Length; a++)
{
    switch (args[a])
    {
        case "--reps": repsOption = PositiveInt(args, ++a); break;
        case "--workers": workers = PositiveInt(args, ++a); break;
        case "--json": jsonPath = a + 1 < args.Length ? args[++a] : throw new ArgumentException("--json needs a path"); break;
        case "--quick": quick = true; break;
        case "--queued": queuedOption = PositiveInt(args, ++a); break;
        case "--telemetry": telemetry = true; break;
        case "--pools": pools = a + 1 < args.Length && args[++a] is "threads" or "processes" or "cluster" or "stopping" or "memory" or "both" or "all" ? args[a] : throw new ArgumentException("--pools takes threads, processes, cluster, stopping (CallOptions: cancel and forced-stop latencies), memory (how fast a runaway allocation is caught), both (threads and processes) or all"); break;
        default: throw new ArgumentException($"Unknown option {args[a]}; expected --reps N, --workers N, --json PATH, --quick, --pools threads|processes|cluster|stopping|memory|both|all, --queued N, --telemetry.");
    }
}

// With --telemetry the OpenTelemetry SDK collects the ActorPool meter for the whole run, as an app that exports it does.
using var collecting = telemetry ? TelemetryCollection.Start() : null;

var reps = repsOption ?? (quick ? 1 : 5);
// On a shared machine other processes skew every column; the load average at start says how much to trust a run.
var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
var calls = quick ? 20_000 : 200_000;
var mapItems = quick ? 20_000 : 200_000;
var roundTrips = quick ? 2_000 : 20_000;
var queuedCalls = queuedOption ?? (quick ? 100_000 : 1_000_000);

// The process pool runs with 2 workers (this machine's core count), as CPython's ProcessPoolExecutor(2) beside it.
const int ProcessWorkers = 2;
var threadPool = pools is "threads" or "both" or "all" ? RunThreadPool() : null;
var processPool = pools is "processes" or "both" or "all" ? ProcessPoolBenchmarks.Run(ProcessWorkers, reps, quick) : null;
var clusterPool = pools is "cluster" or "all" ? ClusterBenchmarks.Run(reps, quick) : null;
// Its own run counts (many cancels, a few slow forced stops) rather than --reps: a latency's median needs many samples.
var stopping = pools is "stopping" or "all" ? StoppingBenchmarks.Run(quick) : null;
// A grid of sampling intervals and allocation rates, each with runs of its own; informational, no target.
var memory = pools is "memory" or "all" ? MemoryLimitBenchmarks.Run(quick) : null;
var rows = TargetRows(threadPool, processPool, clusterPool, stopping);
Summary.Print(rows, quick);

if (jsonPath is not null)
{
    var py = threadPool?.Py;
    var queued = threadPool?.Queued;
    var raw = new
    {
        machine = new { cores = Environment.ProcessorCount, os = RuntimeInformation.OSDescription, dotnet = RuntimeInformation.FrameworkDescription, python = py?.Version },
        settings = new { workers, reps, calls, mapItems, roundTrips, queuedCalls, quick, pools, build = Build(), loadAverageAtStart = load },
        actorPool = threadPool is not { } t ? null : new
        {
            submitCollectCallsPerSecond = t.ApSubmit.OpsPerSecond,
            mapItemsPerSecond = t.ApMap.OpsPerSecond,
            roundTripMicros = t.ApRoundTrip.MicrosPerOp,
            submitCollectBytesPerCall = t.ApSubmit.BytesPerOp,
            mapBytesPerItem = t.ApMap.BytesPerOp,
            roundTripBytesPerCall = t.ApRoundTrip.BytesPerOp,
        },
        taskRun = threadPool is null ? null : new
        {
            submitCollectCallsPerSecond = threadPool.TrSubmit.OpsPerSecond,
            roundTripMicros = threadPool.TrRoundTrip.MicrosPerOp,
            submitCollectBytesPerCall = threadPool.TrSubmit.BytesPerOp,
            roundTripBytesPerCall = threadPool.TrRoundTrip.BytesPerOp,
        },
        cpython = py is null ? null : new
        {
            submitCollectCallsPerSecond = py.SubmitCollectPerSecond,
            mapItemsPerSecond = py.MapPerSecond,
            roundTripMicros = py.RoundTripMicros,
        },
        queuedCalls = queued is null ? null : new
        {
            calls = queued.Calls,
            retainedBytesPerQueuedCall = queued.RetainedBytesPerCall,
            allocatedBytesPerQueuedCall = queued.AllocatedBytesPerCall,
            submitSeconds = queued.SubmitSeconds,
            drainSeconds = queued.DrainSeconds,
            allCompleted = queued.AllCompleted,
        },
        processPool = processPool is null ? null : new
        {
            workers = processPool.Workers,
            calls = processPool.Calls,
            mapItems = processPool.MapItems,
            chunk = processPool.Chunk,
            roundTrips = processPool.RoundTrips,
            submitCollectCallsPerSecond = processPool.Submit.OpsPerSecond,
            mapItemsPerSecond = processPool.Map.OpsPerSecond,
            roundTripMicros = processPool.RoundTrip.MicrosPerOp,
            coldStartMillis = processPool.ColdStartMillis,
            coldStartWithBootedSparesMillis = processPool.ColdStartWithBootedSparesMillis,
            submitCollectWithoutPrefetchCallsPerSecond = processPool.SubmitWithoutPrefetch.OpsPerSecond,
            bareRemotingRoundTripMicros = processPool.BareRemotingRoundTrip.MicrosPerOp,
            bareLoopbackRoundTripMicros = processPool.BareLoopbackRoundTrip.MicrosPerOp,
            submitCollectBytesPerCall = processPool.Submit.BytesPerOp,
            mapBytesPerItem = processPool.Map.BytesPerOp,
            roundTripBytesPerCall = processPool.RoundTrip.BytesPerOp,
            cpython = processPool.CPythonSubmitPerSecond is null ? null : new
            {
                submitCollectCallsPerSecond = processPool.CPythonSubmitPerSecond,
                mapItemsPerSecond = processPool.CPythonMapPerSecond,
                roundTripMicros = processPool.CPythonRoundTripMicros,
                coldStartMillis = processPool.CPythonColdStartMillis,
            },
        },
        clusterPool = clusterPool?.Select(c => new { c.Nodes, c.WorkersPerNode, c.Calls, c.SleepMillis, c.IdealSeconds, c.MedianSeconds, c.RatioToIdeal, c.ScalingFromOneNode, c.Prefetch }),
        stopping = stopping is not { } s ? null : new
        {
            timeoutMillis = s.Timeout.TotalMilliseconds,
            gracePeriodMillis = s.Grace.TotalMilliseconds,
            threadCancelToResultMillis = LatencyJson(s.ThreadCancel),
            threadCancelToCallbackMillis = LatencyJson(s.ThreadCancelCallback),
            processCancelToResultMillis = LatencyJson(s.ProcessCancel),
            processCancelToCallbackMillis = LatencyJson(s.ProcessCancelCallback),
            threadForcedGraceEndToSettledMillis = LatencyJson(s.ThreadForced.Settled),
            threadForcedGraceEndToNextResultMillis = LatencyJson(s.ThreadForced.Replaced),
            processForcedFreshPoolGraceEndToSettledMillis = LatencyJson(s.ProcessForcedFreshPools.Settled),
            processForcedFreshPoolGraceEndToReplacementResultMillis = LatencyJson(s.ProcessForcedFreshPools.Replaced),
            processForcedOnePoolGraceEndToSettledMillis = LatencyJson(s.ProcessForcedOnePool.Settled),
            processForcedOnePoolGraceEndToReplacementResultMillis = LatencyJson(s.ProcessForcedOnePool.Replaced),
        },
        memoryLimits = memory?.Select(m => new
        {
            checkIntervalMillis = m.Interval.TotalMilliseconds,
            m.MegabytesPerSecond,
            detectionMillis = LatencyJson(m.Detection),
            overshootMegabytes = LatencyJson(m.OvershootMegabytes),
        }),
        targets = rows.Select(r => new { r.Benchmark, r.Target, r.ActorPool, r.TaskRun, r.CPython, r.Ratio, r.Verdict }),
    };
    File.WriteAllText(jsonPath, JsonSerializer.Serialize(raw, JsonOptions.Indented));
    Console.WriteLine($"Raw medians written to {jsonPath}");
}

ThreadPoolResult RunThreadPool()
{
    // Each contender gets the machine to itself: the executor (and its actor system) is gone before Task.Run starts,
    // and both are done before CPython runs.
    Sample apSubmit, apMap, apRoundTrip;
    using (var executor = new ThreadPoolExecutor(workers))
    {
        Progress("ActorPool submit-then-collect");
        apSubmit = Measure.Median(reps, calls, n => SubmitCollect(executor, n));
        Progress("ActorPool map");
        apMap = Measure.Median(reps, mapItems, n => MapAll(executor, n));
        Progress("ActorPool round trip");
        apRoundTrip = Measure.Median(reps, roundTrips, n => RoundTrip(executor, n));
    }

    Progress(Invariant($"ActorPool {queuedCalls:N0} calls queued behind blocked workers"));
    var queued = QueuedCallsBenchmark.Run(workers, queuedCalls, reps);

    Progress("Task.Run + Task.WhenAll");
    var trSubmit = Measure.Median(reps, calls, TaskRunWhenAll);
    Progress("Task.Run round trip");
    var trRoundTrip = Measure.Median(reps, roundTrips, TaskRunRoundTrip);
    Progress("CPython (python3 cpython_bench.py)");
    var py = CPython.Run(workers, calls, mapItems, roundTrips, reps);

    Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, ") +
        (py is null ? "python3 not found (CPython column skipped)" : $"CPython {py.Version}"));
    Console.WriteLine(Invariant($"Settings: maxWorkers {workers} for all, median of {reps} repetition(s) after 1 warm-up, {Build()} build{(quick ? ", --quick" : "")}, load average at start {load}"));
    Console.WriteLine();
    Console.WriteLine("| benchmark | ActorPool | Task.Run | CPython | ActorPool/Task.Run | ActorPool/CPython |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    Row(Invariant($"submit {calls:N0} then collect (calls/s)"), Rate(apSubmit.OpsPerSecond), Rate(trSubmit.OpsPerSecond), py is null ? null : Rate(py.SubmitCollectPerSecond),
        apSubmit.OpsPerSecond / trSubmit.OpsPerSecond, apSubmit.OpsPerSecond / py?.SubmitCollectPerSecond);
    // Task.Run has no map; its column repeats the submit-then-collect figure, which is the same work.
    Row(Invariant($"map over {mapItems:N0} items (items/s)"), Rate(apMap.OpsPerSecond), Rate(trSubmit.OpsPerSecond) + " ¹", py is null ? null : Rate(py.MapPerSecond),
        apMap.OpsPerSecond / trSubmit.OpsPerSecond, apMap.OpsPerSecond / py?.MapPerSecond);
    Row(Invariant($"sequential submit().result() ×{roundTrips:N0} (µs/call)"), Micros(apRoundTrip.MicrosPerOp), Micros(trRoundTrip.MicrosPerOp), py is null ? null : Micros(py.RoundTripMicros),
        trRoundTrip.MicrosPerOp / apRoundTrip.MicrosPerOp, py?.RoundTripMicros / apRoundTrip.MicrosPerOp);
    Console.WriteLine();
    Console.WriteLine("Ratios compare speed (>1× means ActorPool is faster): throughput ÷ throughput, or the other's µs ÷ ActorPool's µs.");
    Console.WriteLine("¹ Task.Run has no map; this is its submit-then-collect figure for the same number of calls.");
    Console.WriteLine();
    Console.WriteLine("| allocated bytes per call (process-wide) | ActorPool | Task.Run |");
    Console.WriteLine("|---|---:|---:|");
    Console.WriteLine(Invariant($"| submit then collect | {apSubmit.BytesPerOp:N0} | {trSubmit.BytesPerOp:N0} |"));
    Console.WriteLine(Invariant($"| map | {apMap.BytesPerOp:N0} | — |"));
    Console.WriteLine(Invariant($"| round trip | {apRoundTrip.BytesPerOp:N0} | {trRoundTrip.BytesPerOp:N0} |"));
    Console.WriteLine();
    Console.WriteLine(Invariant($"{queued.Calls:N0} calls queued at once behind {workers} blocked workers: {queued.RetainedBytesPerCall:N0} bytes retained per queued call ") +
        Invariant($"(live heap growth, GC.GetTotalMemory(true); the caller's array of futures not counted), {queued.AllocatedBytesPerCall:N0} bytes allocated per submit; ") +
        Invariant($"queued in {queued.SubmitSeconds:N2} s, drained in {queued.DrainSeconds:N2} s; all completed: {(queued.AllCompleted ? "yes" : "NO")}."));
    return new ThreadPoolResult(apSubmit, apMap, apRoundTrip, trSubmit, trRoundTrip, py, queued);
}

List<TargetRow> TargetRows(ThreadPoolResult? threads, ProcessPoolResult? processes, IReadOnlyList<ClusterScaling>? cluster, StoppingResult? stopping)
{
    var rows = new List<TargetRow>();
    const string Dash = "—";
    if (threads is { } t)
    {
        var vsTaskRun = t.ApSubmit.OpsPerSecond / t.TrSubmit.OpsPerSecond;
        var vsCPython = t.ApSubmit.OpsPerSecond / t.Py?.SubmitCollectPerSecond;
        rows.Add(new(Invariant($"ThreadPoolExecutor submit-then-collect, {calls:N0} trivial calls"), "≥ 0.5× Task.Run + WhenAll, ≥ 20× CPython TPE",
            Rate(t.ApSubmit.OpsPerSecond), Rate(t.TrSubmit.OpsPerSecond), CPythonFigure(t.Py?.SubmitCollectPerSecond, Rate),
            $"{Summary.Times(vsTaskRun)} Task.Run, {Summary.Times(vsCPython, "N1")} CPython", Summary.AllAtLeast((vsTaskRun, 0.5), (vsCPython, 20))));
        var roundTripVsCPython = t.Py?.RoundTripMicros / t.ApRoundTrip.MicrosPerOp;
        rows.Add(new("thread round trip Submit(...).Result()", "≥ 10× faster than CPython TPE",
            Micros(t.ApRoundTrip.MicrosPerOp), Micros(t.TrRoundTrip.MicrosPerOp), CPythonFigure(t.Py?.RoundTripMicros, Micros),
            Summary.Times(roundTripVsCPython, "N1"), Summary.AllAtLeast((roundTripVsCPython, 10))));
    }
    else
    {
        rows.Add(new(Invariant($"ThreadPoolExecutor submit-then-collect, {calls:N0} trivial calls"), "≥ 0.5× Task.Run + WhenAll, ≥ 20× CPython TPE", Summary.NotRun, Dash, Dash, Dash, null));
        rows.Add(new("thread round trip Submit(...).Result()", "≥ 10× faster than CPython TPE", Summary.NotRun, Dash, Dash, Dash, null));
    }

    if (processes is { } p)
    {
        var submitRatio = p.Submit.OpsPerSecond / p.CPythonSubmitPerSecond;
        var mapRatio = p.Map.OpsPerSecond / p.CPythonMapPerSecond;
        var roundTripRatio = p.CPythonRoundTripMicros / p.RoundTrip.MicrosPerOp;
        rows.Add(new(Invariant($"ProcessPoolExecutor({p.Workers}) submit-then-collect, {p.Calls:N0} trivial calls"), Invariant($"≥ 10× CPython PPE({p.Workers})"),
            Rate(p.Submit.OpsPerSecond), Dash, CPythonFigure(p.CPythonSubmitPerSecond, Rate), Summary.Times(submitRatio, "N1"), Summary.AllAtLeast((submitRatio, 10))));
        rows.Add(new(Invariant($"ProcessPoolExecutor({p.Workers}).Map, {p.MapItems:N0} items, chunk {p.Chunk}"), "≥ 2× CPython",
            Rate(p.Map.OpsPerSecond), Dash, CPythonFigure(p.CPythonMapPerSecond, Rate), Summary.Times(mapRatio), Summary.AllAtLeast((mapRatio, 2))));
        rows.Add(new("process round trip", "≥ 2× faster than CPython PPE",
            Micros(p.RoundTrip.MicrosPerOp), Dash, CPythonFigure(p.CPythonRoundTripMicros, Micros), Summary.Times(roundTripRatio), Summary.AllAtLeast((roundTripRatio, 2))));
        rows.Add(new(Invariant($"cold start, constructor → first result, {p.Workers} workers"), "≤ 200 ms",
            Millis(p.ColdStartMillis), Dash, CPythonFigure(p.CPythonColdStartMillis, Millis), Dash, p.ColdStartMillis <= 200));
    }
    else
    {
        rows.Add(new(Invariant($"ProcessPoolExecutor({ProcessWorkers}) submit-then-collect"), Invariant($"≥ 10× CPython PPE({ProcessWorkers})"), Summary.NotRun, Dash, Dash, Dash, null));
        rows.Add(new(Invariant($"ProcessPoolExecutor({ProcessWorkers}).Map, chunk 1000"), "≥ 2× CPython", Summary.NotRun, Dash, Dash, Dash, null));
        rows.Add(new("process round trip", "≥ 2× faster than CPython PPE", Summary.NotRun, Dash, Dash, Dash, null));
        rows.Add(new(Invariant($"cold start, constructor → first result, {ProcessWorkers} workers"), "≤ 200 ms", Summary.NotRun, Dash, Dash, Dash, null));
    }

    var queuedName = Invariant($"{queuedCalls:N0} calls queued at once (ThreadPoolExecutor, workers blocked)");
    const string QueuedTarget = "all complete; ≤ 300 bytes retained per queued call";
    rows.Add(threads?.Queued is { } q
        ? new(queuedName, QueuedTarget, Invariant($"{q.RetainedBytesPerCall:N0} B/call, {(q.AllCompleted ? "all completed" : "NOT all completed")}"), Dash, Dash, Dash,
            q.AllCompleted && q.RetainedBytesPerCall <= 300)
        : new(queuedName, QueuedTarget, Summary.NotRun, Dash, Dash, Dash, null));

    const string ClusterTarget = "≥ 0.8× linear (ideal)";
    foreach (var nodes in new[] { 1, 2, 4 })
    {
        var name = Invariant($"ClusterPoolExecutor, 10 ms sleeping calls, {nodes} node(s) × 8 workers");
        rows.Add(cluster?.FirstOrDefault(c => c.Nodes == nodes && c.Prefetch == 0) is { } c
            ? new(name, ClusterTarget, Invariant($"{c.MedianSeconds:N3} s (ideal {c.IdealSeconds:N3} s)"), Dash, Dash,
                Invariant($"{Summary.Times(c.RatioToIdeal)} ideal ({Summary.Times(c.ScalingFromOneNode)} of {c.Nodes} × 1 node)"), c.RatioToIdeal >= 0.8)
            : new(name, ClusterTarget, Summary.NotRun, Dash, Dash, Dash, null));
    }

    // Stopping is judged on the median, with the 95th percentile beside it: one slow run on a shared machine is not a verdict.
    rows.Add(StoppingRow("ThreadPoolExecutor(2) cancel of a running call, Cancel() → Result() returns", "≤ 1 ms median", stopping?.ThreadCancel, 1));
    rows.Add(StoppingRow("ProcessPoolExecutor(2) cancel of a running call, Cancel() → Result() returns", "≤ 2 ms median", stopping?.ProcessCancel, 2));
    rows.Add(StoppingRow("ProcessPoolExecutor(1) forced stop of a hung call, grace over → replacement's first result (fresh pool, spare booted)", "≤ 1 s median", stopping?.ProcessForcedFreshPools.Replaced, 1000));
    rows.Add(StoppingRow("the same, forced stops in a row on one pool", "≤ 1 s median", stopping?.ProcessForcedOnePool.Replaced, 1000));
    return rows;

    TargetRow StoppingRow(string name, string target, Latencies? latencies, double goalMillis) => latencies is { } l
        ? new(name, target, Invariant($"{StoppingBenchmarks.Ms(l.Median)} (p95 {StoppingBenchmarks.Ms(l.P95)}, {l.Count} runs)"), Dash, Dash, Dash, l.Median <= goalMillis)
        : new(name, target, Summary.NotRun, Dash, Dash, Dash, null);
}

static object LatencyJson(Latencies l) => new { median = l.Median, p95 = l.P95, max = l.Max, runs = l.Millis };

// A missing CPython figure means python3 was not found.
static string CPythonFigure(double? value, Func<double, string> format) => value is { } v ? format(v) : "skipped";

// Adds one so the checksum 1 + 2 + ... + n proves every result came back.
static int Inc(int x) => x + 1;

static long SubmitCollect(ThreadPoolExecutor executor, int n)
{
    var futures = new Future<int>[n];
    for (var i = 0; i < n; i++)
    {
        futures[i] = executor.Submit(Inc, i);
    }

    long sum = 0;
    foreach (var future in futures)
    {
        sum += future.Result();
    }

    return sum;
}

static long MapAll(ThreadPoolExecutor executor, int n)
{
    long sum = 0;
    foreach (var result in executor.Map(Inc, Enumerable.Range(0, n)))
    {
        sum += result;
    }

    return sum;
}

static long RoundTrip(ThreadPoolExecutor executor, int n)
{
    long sum = 0;
    for (var i = 0; i < n; i++)
    {
        sum += executor.Submit(Inc, i).Result();
    }

    return sum;
}

static long TaskRunWhenAll(int n)
{
    var tasks = new Task<int>[n];
    for (var i = 0; i < n; i++)
    {
        var x = i;
        tasks[i] = Task.Run(() => Inc(x));
    }

    long sum = 0;
    foreach (var result in Task.WhenAll(tasks).GetAwaiter().GetResult())
    {
        sum += result;
    }

    return sum;
}

static long TaskRunRoundTrip(int n)
{
    long sum = 0;
    for (var i = 0; i < n; i++)
    {
        var x = i;
        sum += Task.Run(() => Inc(x)).Result;
    }

    return sum;
}

static int PositiveInt(string[] args, int index) =>
    index < args.Length && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
        ? value
        : throw new ArgumentException($"{args[index - 1]} needs a positive integer");

static void Progress(string what) => Console.Error.WriteLine($"measuring {what}...");

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

static string Rate(double perSecond) => Invariant($"{perSecond:N0}/s");

static string Micros(double micros) => Invariant($"{micros:N2} µs");

static string Millis(double millis) => Invariant($"{millis:N0} ms");

static string Build() =>
    typeof(ThreadPoolResult).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
        is [System.Reflection.AssemblyConfigurationAttribute c] ? c.Configuration : "?";

static void Row(string name, string actorPool, string taskRun, string? cpython, double vsTaskRun, double? vsCPython) =>
    Console.WriteLine(Invariant($"| {name} | {actorPool} | {taskRun} | {cpython ?? "skipped"} | {vsTaskRun:N2}× | {(vsCPython is { } r ? r.ToString("N1", CultureInfo.InvariantCulture) + "×" : "—")} |"));

/// <summary>The thread pool's figures and their comparisons; <see cref="Py"/> is null without python3.</summary>
internal sealed record ThreadPoolResult(Sample ApSubmit, Sample ApMap, Sample ApRoundTrip, Sample TrSubmit, Sample TrRoundTrip,
    CPythonResult? Py, QueuedCallsResult? Queued);

internal static class JsonOptions
{
    // Cached, as System.Text.Json wants options reused rather than rebuilt per call.
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
