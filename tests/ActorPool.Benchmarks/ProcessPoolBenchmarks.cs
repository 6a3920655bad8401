using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActorPool;

namespace ActorPool.Benchmarks;

/// <summary>The process pool's medians and, when python3 ran, CPython's beside them (null fields otherwise).</summary>
internal sealed record ProcessPoolResult(int Workers, int Calls, int MapItems, int Chunk, int RoundTrips,
    Sample Submit, Sample Map, Sample RoundTrip, double ColdStartMillis, Sample SubmitWithoutPrefetch, Sample BareRemotingRoundTrip, Sample BareLoopbackRoundTrip, double ColdStartWithBootedSparesMillis,
    double? CPythonSubmitPerSecond, double? CPythonMapPerSecond, double? CPythonRoundTripMicros, double? CPythonColdStartMillis,
    IReadOnlyList<string> Order);

/// <summary>ActorPool's side of a process pool round, before CPython's joins it.</summary>
internal sealed record ActorPoolFigures(Sample Submit, Sample Map, Sample RoundTrip, Sample SubmitWithoutPrefetch, Sample BareRemotingRoundTrip,
    Sample BareLoopbackRoundTrip, double ColdStartMillis, double ColdStartWithBootedSparesMillis);

/// <summary>
/// The process pool table: ProcessPoolExecutor against CPython's ProcessPoolExecutor with the same worker count,
/// measured in the same run. Calls are trivial, so every figure is the cost of getting work to a worker process and back.
/// </summary>
internal static class ProcessPoolBenchmarks
{
    /// <summary>Ample time for a spare worker process to boot on this machine (about 0.3 s alone).</summary>
    private static readonly TimeSpan SparesBootTime = TimeSpan.FromSeconds(1);

    /// <summary>Every call's chunk in the Map row, CPython's chunksize too.</summary>
    public const int Chunk = 1000;

    /// <summary>Calls submitted at once in the submit-then-collect rows.</summary>
    public static int Calls(bool quick) => quick ? 2_000 : 20_000;

    /// <summary>Items in the Map row.</summary>
    public static int MapItems(bool quick) => quick ? 20_000 : 200_000;

    /// <param name="round">The round's index: in even rounds ActorPool runs before CPython, in odd ones after it.</param>
    /// <param name="cpython">Whether to run CPython's side (false: --no-cpython).</param>
    public static ProcessPoolResult Run(int workers, int reps, bool quick, int round, bool cpython)
    {
        var calls = Calls(quick);
        var mapItems = MapItems(quick);
        var roundTrips = quick ? 500 : 2_000;

        ActorPoolFigures? ours = null;
        JsonElement? py = null;
        var contenders = new List<(string Name, Action Run)> { ("ActorPool", () => ours = MeasureActorPool(workers, reps, calls, mapItems, Chunk, roundTrips)) };
        if (cpython)
        {
            contenders.Add(("CPython", () =>
            {
                Progress("CPython ProcessPoolExecutor (python3 cpython_process_bench.py)");
                using var json = CPython.RunScript("cpython_process_bench.py", workers, calls, mapItems, Chunk, roundTrips, reps);
                py = json?.RootElement.Clone();
            }));
        }

        var order = Interleaving.Order(contenders, round);
        foreach (var (_, run) in order)
        {
            run();
        }

        var (submit, map, roundTrip, submitWithoutPrefetch, bare, bareLoopback, cold, bootedCold) = ours!;
        var result = new ProcessPoolResult(workers, calls, mapItems, Chunk, roundTrips, submit, map, roundTrip, cold, submitWithoutPrefetch, bare, bareLoopback, bootedCold,
            py?.GetProperty("submit_collect_calls_per_s").GetDouble(), py?.GetProperty("map_items_per_s").GetDouble(),
            py?.GetProperty("round_trip_us").GetDouble(), py?.GetProperty("cold_start_ms").GetDouble(), [.. order.Select(c => c.Name)]);

        Console.WriteLine();
        Console.WriteLine(Invariant($"Process pool: {workers} worker processes for both, median of {reps} repetition(s) after 1 warm-up; in this round's order: {string.Join(", ", result.Order)}."));
        Console.WriteLine();
        Console.WriteLine("| benchmark | ActorPool | CPython | ActorPool/CPython |");
        Console.WriteLine("|---|---:|---:|---:|");
        Row(Invariant($"submit {calls:N0} then collect (calls/s)"), submit.OpsPerSecond, result.CPythonSubmitPerSecond, Rate, higherIsBetter: true);
        Row("the same with actorpool.process-pool.prefetch = 0 (a call sent only to an idle worker)", submitWithoutPrefetch.OpsPerSecond, result.CPythonSubmitPerSecond, Rate, higherIsBetter: true);
        Row(Invariant($"map over {mapItems:N0} items, chunk {Chunk} (items/s)"), map.OpsPerSecond, result.CPythonMapPerSecond, Rate, higherIsBetter: true);
        Row(Invariant($"sequential submit().result() ×{roundTrips:N0} (µs/call)"), roundTrip.MicrosPerOp, result.CPythonRoundTripMicros, Micros, higherIsBetter: false);
        Row(Invariant($"the floor under it: a bare Akka.Remote ask to a child process and back ×{roundTrips:N0}, no ActorPool code, over the pools' loopback transport (µs/call)"),
            bareLoopback.MicrosPerOp, result.CPythonRoundTripMicros, Micros, higherIsBetter: false);
        Row(Invariant($"the same over Akka's default transport, DotNetty TCP (µs/call)"),
            bare.MicrosPerOp, result.CPythonRoundTripMicros, Micros, higherIsBetter: false);
        Row("cold start, constructor → first result (ms)", cold, result.CPythonColdStartMillis, Millis, higherIsBetter: false);
        Row(Invariant($"the same {SparesBootTime.TotalSeconds:N0} s after the last pool, its spares booted (ms)"), bootedCold, result.CPythonColdStartMillis, Millis, higherIsBetter: false);
        Console.WriteLine();
        Console.WriteLine("Ratios compare speed (>1× means ActorPool is faster). CPython 3.11 on Linux forks its workers; ours start with 'dotnet exec'.");
        Console.WriteLine("CPython's cold start includes leaving its 'with' block (shutting the pool down); ours stops the clock at the first result.");
        Console.WriteLine("Our cold starts are a process's later pools: back to back each takes the spares the last one left still booting;");
        Console.WriteLine("a second after the last, the spares are up. The first pool of a process boots its workers (see the seed demos).");
        return result;
    }

    /// <summary>Everything measured of ActorPool's side, one pool after another.</summary>
    private static ActorPoolFigures MeasureActorPool(int workers, int reps, int calls, int mapItems, int chunk, int roundTrips)
    {
        Sample submit, map, roundTrip;
        using (var executor = new ProcessPoolExecutor(workers))
        {
            Progress("ProcessPoolExecutor submit-then-collect");
            submit = Measure.Median(reps, calls, n => SubmitCollect(executor, n));
            Progress("ProcessPoolExecutor map");
            map = Measure.Median(reps, mapItems, n => executor.Map(Inc, Enumerable.Range(0, n), chunkSize: chunk).Sum(x => (long)x));
            Progress("ProcessPoolExecutor round trip");
            roundTrip = Measure.Median(reps, roundTrips, n => RoundTrip(executor, n));
        }

        // What sending ahead buys: the same with process-pool.prefetch = 0, where a call goes only to an idle worker,
        // which then waits one round trip between calls.
        Sample submitWithoutPrefetch;
        using (var system = Akka.Actor.ActorSystem.Create("no-prefetch-bench",
            Akka.Configuration.ConfigurationFactory.ParseString("actorpool.process-pool.prefetch = 0").WithFallback(RemotingBaseline.Loopback)))
        using (var executor = new ProcessPoolExecutor(workers, system: system))
        {
            Progress("ProcessPoolExecutor submit-then-collect with actorpool.process-pool.prefetch = 0");
            submitWithoutPrefetch = Measure.Median(reps, calls, n => SubmitCollect(executor, n));
        }

        Progress("bare Akka.Remote ask round trip to a child process, DotNetty");
        var bare = RemotingBaseline.Measure(reps, roundTrips, loopback: false);
        Progress("bare Akka.Remote ask round trip to a child process, loopback transport");
        var bareLoopback = RemotingBaseline.Measure(reps, roundTrips, loopback: true);

        Progress("ProcessPoolExecutor cold start");
        ColdStartMillis(workers); // warm-up: the first pool in a process also pays for loading and JIT-compiling Akka
        var colds = Enumerable.Range(0, reps).Select(_ => ColdStartMillis(workers)).Order().ToArray();
        var cold = colds[colds.Length / 2];

        // The same once the spares the last pool left have had time to boot, as for a program that makes a pool now and then.
        Progress("ProcessPoolExecutor cold start, spares booted");
        var bootedColds = Enumerable.Range(0, reps).Select(_ =>
        {
            Thread.Sleep(SparesBootTime);
            return ColdStartMillis(workers);
        }).Order().ToArray();
        var bootedCold = bootedColds[bootedColds.Length / 2];
        return new ActorPoolFigures(submit, map, roundTrip, submitWithoutPrefetch, bare, bareLoopback, cold, bootedCold);
    }

    // Adds one so the checksum 1 + 2 + ... + n proves every result came back.
    private static int Inc(int x) => x + 1;

    private static long SubmitCollect(ProcessPoolExecutor executor, int n)
    {
        var futures = new Future<int>[n];
        for (var i = 0; i < n; i++)
        {
            futures[i] = executor.Submit(Inc, i);
        }

        return futures.Sum(f => (long)f.Result());
    }

    private static long RoundTrip(ProcessPoolExecutor executor, int n)
    {
        long sum = 0;
        for (var i = 0; i < n; i++)
        {
            sum += executor.Submit(Inc, i).Result();
        }

        return sum;
    }

    /// <summary>A new pool each time: its actor system, its worker processes, one call; Dispose is not counted.</summary>
    private static double ColdStartMillis(int workers)
    {
        var clock = Stopwatch.StartNew();
        using var executor = new ProcessPoolExecutor(workers);
        if (executor.Submit(Inc, 0).Result() != 1)
        {
            throw new InvalidOperationException("The cold-start call returned a wrong result.");
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    private static void Row(string name, double ours, double? theirs, Func<double, string> format, bool higherIsBetter)
    {
        var ratio = theirs is { } t ? (higherIsBetter ? ours / t : t / ours).ToString("N2", CultureInfo.InvariantCulture) + "×" : "—";
        Console.WriteLine($"| {name} | {format(ours)} | {(theirs is { } v ? format(v) : "skipped")} | {ratio} |");
    }

    private static void Progress(string what) => Console.Error.WriteLine($"measuring {what}...");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Rate(double perSecond) => Invariant($"{perSecond:N0}/s");

    private static string Micros(double micros) => Invariant($"{micros:N0} µs");

    private static string Millis(double millis) => Invariant($"{millis:N0} ms");
}
