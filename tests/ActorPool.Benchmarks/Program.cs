// ActorPool's executors against Task.Run and CPython's concurrent.futures, on the same trivial calls.
// Usage: dotnet run -c Release --project tests/ActorPool.Benchmarks -- [--rounds N] [--reps N] [--workers N] [--json PATH] [--quick]
//            [--pools threads|processes|cluster|stopping|memory|both|all] [--queued N] [--telemetry] [--no-cpython] [--compare OTHER-BUILD]
// Runs the selected set --rounds times, the compared implementations interleaved in an order that alternates round to round;
// prints each round's tables, then every figure and ratio as min / median / max over the rounds, then the targets judged on
// the medians. --compare runs another build of this program round by round against this one (docs/performance.md).
using System.Diagnostics;
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
int? workersOption = null;
string? jsonPath = null;
var quick = false;
var pools = "both";
int? queuedOption = null;
var telemetry = false;
var rounds = 3;
string? comparePath = null;
var cpython = true;
for (var a = 0; a < args.Length; a++)
{
    switch (args[a])
    {
        case "--rounds": rounds = PositiveInt(args, ++a); break;
        case "--reps": repsOption = PositiveInt(args, ++a); break;
        case "--workers": workersOption = PositiveInt(args, ++a); break;
        case "--json": jsonPath = a + 1 < args.Length ? args[++a] : throw new ArgumentException("--json needs a path"); break;
        case "--quick": quick = true; break;
        case "--queued": queuedOption = PositiveInt(args, ++a); break;
        case "--telemetry": telemetry = true; break;
        case "--no-cpython": cpython = false; break;
        case "--compare": comparePath = a + 1 < args.Length ? args[++a] : throw new ArgumentException("--compare needs the path of another build of this program (its ActorPool.Benchmarks executable or dll)"); break;
        case BenchmarkBuild.CapabilitiesFlag:
            Console.WriteLine(string.Join('\n', BenchmarkBuild.Capabilities));
            return;
        case "--pools": pools = a + 1 < args.Length && args[++a] is "threads" or "processes" or "cluster" or "stopping" or "memory" or "both" or "all" ? args[a] : throw new ArgumentException("--pools takes threads, processes, cluster, stopping (CallOptions: cancel and forced-stop latencies), memory (how fast a runaway allocation is caught), both (threads and processes) or all"); break;
        default: throw new ArgumentException($"Unknown option {args[a]}; expected --rounds N, --reps N, --workers N, --json PATH, --quick, --pools threads|processes|cluster|stopping|memory|both|all, --queued N, --telemetry, --no-cpython, --compare OTHER-BUILD.");
    }
}

// Three repetitions after a warm-up in each of three rounds: nine timed runs of each figure where a single sitting had five,
// and `--pools both` within about ten minutes on two cores (CPython's thread pool takes most of it).
var reps = repsOption ?? (quick ? 1 : 3);
var workers = workersOption ?? Math.Min(32, Environment.ProcessorCount + 4);

if (comparePath is not null)
{
    // Only what the other build understands too: a build from before rounds knows these options and no others (--queued and
    // --workers only when given, so a build older still, without them, can be compared at their defaults).
    List<string> runArgs = ["--pools", pools, "--reps", reps.ToString(CultureInfo.InvariantCulture)];
    if (quick)
    {
        runArgs.Add("--quick");
    }

    if (workersOption is { } w)
    {
        runArgs.AddRange(["--workers", w.ToString(CultureInfo.InvariantCulture)]);
    }

    if (queuedOption is { } q)
    {
        runArgs.AddRange(["--queued", q.ToString(CultureInfo.InvariantCulture)]);
    }

    if (telemetry)
    {
        runArgs.Add("--telemetry");
    }

    Comparison.Run(BenchmarkBuild.Other(comparePath), rounds, runArgs, jsonPath);
    return;
}

// With --telemetry the OpenTelemetry SDK collects the ActorPool meter for the whole run, as an app that exports it does.
using var collecting = telemetry ? TelemetryCollection.Start() : null;

var calls = quick ? 20_000 : 200_000;
var mapItems = quick ? 20_000 : 200_000;
var roundTrips = quick ? 2_000 : 20_000;
var queuedCalls = queuedOption ?? (quick ? 100_000 : 1_000_000);
// The process pool runs with 2 workers (this machine's core count), as CPython's ProcessPoolExecutor(2) beside it.
const int ProcessWorkers = 2;
var load = LoadAverage();
string? pythonVersion = null;

var roundsJson = new List<JsonElement>();
// The memory grid alone has no rounds: it is run once, below.
for (var round = 0; round < (pools == "memory" ? 0 : rounds); round++)
{
    Console.WriteLine();
    Console.WriteLine(Invariant($"## Round {round + 1} of {rounds}"));
    // On a shared machine other processes skew every column; the load average at a round's start says how much to trust it.
    var roundLoad = LoadAverage();
    var clock = Stopwatch.StartNew();
    var threadPool = pools is "threads" or "both" or "all" ? RunThreadPool(round) : null;
    var processPool = pools is "processes" or "both" or "all" ? ProcessPoolBenchmarks.Run(ProcessWorkers, reps, quick, round, cpython) : null;
    var clusterPool = pools is "cluster" or "all" ? ClusterBenchmarks.Run(reps, quick) : null;
    // Its own run counts (many cancels, a few slow forced stops) rather than --reps: a latency's median needs many samples.
    var stopping = pools is "stopping" or "all" ? StoppingBenchmarks.Run(quick) : null;
    pythonVersion ??= threadPool?.Py?.Version;
    roundsJson.Add(RoundJson(round, roundLoad, clock.Elapsed, threadPool, processPool, clusterPool, stopping));
    Console.Error.WriteLine(Invariant($"round {round + 1} of {rounds} took {clock.Elapsed.TotalSeconds:N0} s"));
}

// A grid of sampling intervals and allocation rates, each with runs of its own: run once, not per round; informational, no target.
var memory = pools is "memory" or "all" ? MemoryLimitBenchmarks.Run(quick) : null;

var set = new RoundSet([.. roundsJson.Select(RoundFigures.FromJson)]);
var rows = Targets.Rows(set, new RunSizes(calls, queuedCalls, ProcessWorkers, ProcessPoolBenchmarks.Calls(quick), ProcessPoolBenchmarks.MapItems(quick)));
if (pools != "memory")
{
    RangeTable.Print(set);
    Summary.Print(rows, quick, rounds);
}

if (jsonPath is not null)
{
    var raw = new
    {
        machine = new { cores = Environment.ProcessorCount, os = RuntimeInformation.OSDescription, dotnet = RuntimeInformation.FrameworkDescription, python = pythonVersion },
        settings = new { rounds, workers, reps, calls, mapItems, roundTrips, queuedCalls, quick, pools, cpython, build = Build(), loadAverageAtStart = load },
        rounds = roundsJson,
        summary = RangeTable.Json(set),
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
    Console.WriteLine($"Every round's figures and the ranges written to {jsonPath}");
}

// One round's figures under the names --json has always used (a build from before rounds wrote one such object as the whole
// file), which RoundFigures reads back for the ranges and --compare reads from a child build.
static JsonElement RoundJson(int round, string load, TimeSpan elapsed, ThreadPoolResult? threadPool, ProcessPoolResult? processPool,
    IReadOnlyList<ClusterScaling>? clusterPool, StoppingResult? stopping)
{
    var py = threadPool?.Py;
    var queued = threadPool?.Queued;
    return JsonSerializer.SerializeToElement(new
    {
        round = round + 1,
        loadAverageAtStart = load,
        seconds = elapsed.TotalSeconds,
        threadOrder = threadPool?.Order,
        processOrder = processPool?.Order,
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
    });
}

ThreadPoolResult RunThreadPool(int round)
{
    // Each contender gets the machine to itself: the executor (and its actor system) is gone before the next one starts.
    // Their order alternates round to round (Interleaving), so none always runs first.
    Sample? apSubmit = null, apMap = null, apRoundTrip = null, trSubmit = null, trRoundTrip = null;
    QueuedCallsResult? queued = null;
    CPythonResult? py = null;
    var contenders = new List<(string Name, Action Run)>
    {
        ("ActorPool", () =>
        {
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
            queued = QueuedCallsBenchmark.Run(workers, queuedCalls, reps);
        }),
        ("Task.Run", () =>
        {
            Progress("Task.Run + Task.WhenAll");
            trSubmit = Measure.Median(reps, calls, TaskRunWhenAll);
            Progress("Task.Run round trip");
            trRoundTrip = Measure.Median(reps, roundTrips, TaskRunRoundTrip);
        }),
    };
    if (cpython)
    {
        contenders.Add(("CPython", () =>
        {
            Progress("CPython (python3 cpython_bench.py)");
            py = CPython.Run(workers, calls, mapItems, roundTrips, reps);
        }));
    }

    var order = Interleaving.Order(contenders, round);
    foreach (var (_, run) in order)
    {
        run();
    }

    // Every contender ran above; the compiler cannot tell that the lambdas assigned them.
    var result = new ThreadPoolResult(apSubmit!, apMap!, apRoundTrip!, trSubmit!, trRoundTrip!, py, queued, [.. order.Select(c => c.Name)]);
    Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, ") +
        (py is not null ? $"CPython {py.Version}" : cpython ? "python3 not found (CPython column skipped)" : "--no-cpython (CPython column skipped)"));
    Console.WriteLine(Invariant($"Settings: maxWorkers {workers} for all, median of {reps} repetition(s) after 1 warm-up, {Build()} build{(quick ? ", --quick" : "")}; ") +
        $"in this round's order: {string.Join(", ", result.Order)}");
    Console.WriteLine();
    Console.WriteLine("| benchmark | ActorPool | Task.Run | CPython | ActorPool/Task.Run | ActorPool/CPython |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    Row(Invariant($"submit {calls:N0} then collect (calls/s)"), Rate(result.ApSubmit.OpsPerSecond), Rate(result.TrSubmit.OpsPerSecond), py is null ? null : Rate(py.SubmitCollectPerSecond),
        result.ApSubmit.OpsPerSecond / result.TrSubmit.OpsPerSecond, result.ApSubmit.OpsPerSecond / py?.SubmitCollectPerSecond);
    // Task.Run has no map; its column repeats the submit-then-collect figure, which is the same work.
    Row(Invariant($"map over {mapItems:N0} items (items/s)"), Rate(result.ApMap.OpsPerSecond), Rate(result.TrSubmit.OpsPerSecond) + " ¹", py is null ? null : Rate(py.MapPerSecond),
        result.ApMap.OpsPerSecond / result.TrSubmit.OpsPerSecond, result.ApMap.OpsPerSecond / py?.MapPerSecond);
    Row(Invariant($"sequential submit().result() ×{roundTrips:N0} (µs/call)"), Micros(result.ApRoundTrip.MicrosPerOp), Micros(result.TrRoundTrip.MicrosPerOp), py is null ? null : Micros(py.RoundTripMicros),
        result.TrRoundTrip.MicrosPerOp / result.ApRoundTrip.MicrosPerOp, py?.RoundTripMicros / result.ApRoundTrip.MicrosPerOp);
    Console.WriteLine();
    Console.WriteLine("Ratios compare speed (>1× means ActorPool is faster): throughput ÷ throughput, or the other's µs ÷ ActorPool's µs.");
    Console.WriteLine("¹ Task.Run has no map; this is its submit-then-collect figure for the same number of calls.");
    Console.WriteLine();
    Console.WriteLine("| allocated bytes per call (process-wide) | ActorPool | Task.Run |");
    Console.WriteLine("|---|---:|---:|");
    Console.WriteLine(Invariant($"| submit then collect | {result.ApSubmit.BytesPerOp:N0} | {result.TrSubmit.BytesPerOp:N0} |"));
    Console.WriteLine(Invariant($"| map | {result.ApMap.BytesPerOp:N0} | — |"));
    Console.WriteLine(Invariant($"| round trip | {result.ApRoundTrip.BytesPerOp:N0} | {result.TrRoundTrip.BytesPerOp:N0} |"));
    Console.WriteLine();
    var q = result.Queued!;
    Console.WriteLine(Invariant($"{q.Calls:N0} calls queued at once behind {workers} blocked workers: {q.RetainedBytesPerCall:N0} bytes retained per queued call ") +
        Invariant($"(live heap growth, GC.GetTotalMemory(true); the caller's array of futures not counted), {q.AllocatedBytesPerCall:N0} bytes allocated per submit; ") +
        Invariant($"queued in {q.SubmitSeconds:N2} s, drained in {q.DrainSeconds:N2} s; all completed: {(q.AllCompleted ? "yes" : "NO")}."));
    return result;
}

static object LatencyJson(Latencies l) => new { median = l.Median, p95 = l.P95, max = l.Max, runs = l.Millis };

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

// On a shared machine other processes skew every column; the load average says how much to trust a run.
static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static string Build() =>
    typeof(ThreadPoolResult).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
        is [System.Reflection.AssemblyConfigurationAttribute c] ? c.Configuration : "?";

static void Row(string name, string actorPool, string taskRun, string? cpython, double vsTaskRun, double? vsCPython) =>
    Console.WriteLine(Invariant($"| {name} | {actorPool} | {taskRun} | {cpython ?? "skipped"} | {vsTaskRun:N2}× | {(vsCPython is { } r ? r.ToString("N1", CultureInfo.InvariantCulture) + "×" : "—")} |"));

/// <summary>The thread pool's figures and their comparisons; <see cref="Py"/> is null without python3 or with --no-cpython.</summary>
/// <param name="Order">The order the contenders ran in, this round.</param>
internal sealed record ThreadPoolResult(Sample ApSubmit, Sample ApMap, Sample ApRoundTrip, Sample TrSubmit, Sample TrRoundTrip,
    CPythonResult? Py, QueuedCallsResult? Queued, IReadOnlyList<string> Order);

internal static class JsonOptions
{
    // Cached, as System.Text.Json wants options reused rather than rebuilt per call.
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
