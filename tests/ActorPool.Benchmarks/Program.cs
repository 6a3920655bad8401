// ActorPool's executors against Task.Run and CPython's concurrent.futures, on the same trivial calls.
// Usage: dotnet run -c Release --project tests/ActorPool.Benchmarks -- [--reps N] [--workers N] [--json PATH] [--quick] [--pools threads|processes|both]
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using ActorPool;
using ActorPool.Benchmarks;

int? repsOption = null;
var workers = Math.Min(32, Environment.ProcessorCount + 4);
string? jsonPath = null;
var quick = false;
var pools = "both";
for (var a = 0; a < args.Length; a++)
{
    switch (args[a])
    {
        case "--reps": repsOption = PositiveInt(args, ++a); break;
        case "--workers": workers = PositiveInt(args, ++a); break;
        case "--json": jsonPath = a + 1 < args.Length ? args[++a] : throw new ArgumentException("--json needs a path"); break;
        case "--quick": quick = true; break;
        case "--pools": pools = a + 1 < args.Length && args[++a] is "threads" or "processes" or "both" ? args[a] : throw new ArgumentException("--pools takes threads, processes or both"); break;
        default: throw new ArgumentException($"Unknown option {args[a]}; expected --reps N, --workers N, --json PATH, --quick, --pools threads|processes|both.");
    }
}

var reps = repsOption ?? (quick ? 1 : 5);
// On a shared machine other processes skew every column; the load average at start says how much to trust a run.
var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
var calls = quick ? 20_000 : 200_000;
var mapItems = quick ? 20_000 : 200_000;
var roundTrips = quick ? 2_000 : 20_000;

// The process pool runs with 2 workers (this machine's core count), as CPython's ProcessPoolExecutor(2) beside it.
const int ProcessWorkers = 2;
if (pools == "processes")
{
    ProcessPoolBenchmarks.Run(ProcessWorkers, reps, quick);
    return;
}

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

Progress("Task.Run + Task.WhenAll");
var trSubmit = Measure.Median(reps, calls, TaskRunWhenAll);
Progress("Task.Run round trip");
var trRoundTrip = Measure.Median(reps, roundTrips, TaskRunRoundTrip);
Progress("CPython (python3 cpython_bench.py)");
var py = CPython.Run(workers, calls, mapItems, roundTrips, reps);

var build = typeof(Program).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
    is [System.Reflection.AssemblyConfigurationAttribute c] ? c.Configuration : "?";
Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, ") +
    (py is null ? "python3 not found (CPython column skipped)" : $"CPython {py.Version}"));
Console.WriteLine(Invariant($"Settings: maxWorkers {workers} for all, median of {reps} repetition(s) after 1 warm-up, {build} build{(quick ? ", --quick" : "")}, load average at start {load}"));
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
Console.WriteLine(Invariant($"Targets: throughput ≥ 0.3× Task.Run: {Verdict(Math.Min(apSubmit.OpsPerSecond, apMap.OpsPerSecond) / trSubmit.OpsPerSecond >= 0.3)}; ") +
    (py is null ? "≥ 10× CPython: skipped; " : Invariant($"≥ 10× CPython: {Verdict(apSubmit.OpsPerSecond / py.SubmitCollectPerSecond >= 10 && apMap.OpsPerSecond / py.MapPerSecond >= 10)}; ")) +
    Invariant($"round trip ≤ 10 µs: {Verdict(apRoundTrip.MicrosPerOp <= 10)}"));

if (jsonPath is not null)
{
    var raw = new
    {
        machine = new { cores = Environment.ProcessorCount, os = RuntimeInformation.OSDescription, dotnet = RuntimeInformation.FrameworkDescription, python = py?.Version },
        settings = new { workers, reps, calls, mapItems, roundTrips, quick, build, loadAverageAtStart = load },
        actorPool = new
        {
            submitCollectCallsPerSecond = apSubmit.OpsPerSecond,
            mapItemsPerSecond = apMap.OpsPerSecond,
            roundTripMicros = apRoundTrip.MicrosPerOp,
            submitCollectBytesPerCall = apSubmit.BytesPerOp,
            mapBytesPerItem = apMap.BytesPerOp,
            roundTripBytesPerCall = apRoundTrip.BytesPerOp,
        },
        taskRun = new
        {
            submitCollectCallsPerSecond = trSubmit.OpsPerSecond,
            roundTripMicros = trRoundTrip.MicrosPerOp,
            submitCollectBytesPerCall = trSubmit.BytesPerOp,
            roundTripBytesPerCall = trRoundTrip.BytesPerOp,
        },
        cpython = py is null ? null : new
        {
            submitCollectCallsPerSecond = py.SubmitCollectPerSecond,
            mapItemsPerSecond = py.MapPerSecond,
            roundTripMicros = py.RoundTripMicros,
        },
    };
    File.WriteAllText(jsonPath, JsonSerializer.Serialize(raw, JsonOptions.Indented));
    Console.WriteLine($"Raw medians written to {jsonPath}");
}

if (pools == "both")
{
    ProcessPoolBenchmarks.Run(ProcessWorkers, reps, quick);
}

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

static string Verdict(bool met) => met ? "met" : "NOT met";

static void Row(string name, string actorPool, string taskRun, string? cpython, double vsTaskRun, double? vsCPython) =>
    Console.WriteLine(Invariant($"| {name} | {actorPool} | {taskRun} | {cpython ?? "skipped"} | {vsTaskRun:N2}× | {(vsCPython is { } r ? r.ToString("N1", CultureInfo.InvariantCulture) + "×" : "—")} |"));

internal static class JsonOptions
{
    // Cached, as System.Text.Json wants options reused rather than rebuilt per call.
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
