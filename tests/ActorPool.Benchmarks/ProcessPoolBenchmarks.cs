using System.Diagnostics;
using System.Globalization;
using ActorPool;

namespace ActorPool.Benchmarks;

/// <summary>The process pool's medians and, when python3 ran, CPython's beside them (null fields otherwise).</summary>
internal sealed record ProcessPoolResult(int Workers, int Calls, int MapItems, int Chunk, int RoundTrips,
    Sample Submit, Sample Map, Sample RoundTrip, double ColdStartMillis, Sample SubmitWithoutPrefetch, Sample BareRemotingRoundTrip, Sample BareLoopbackRoundTrip, double ColdStartWithBootedSparesMillis,
    double? CPythonSubmitPerSecond, double? CPythonMapPerSecond, double? CPythonRoundTripMicros, double? CPythonColdStartMillis);

/// <summary>
/// The process pool table: ProcessPoolExecutor against CPython's ProcessPoolExecutor with the same worker count,
/// measured in the same run. Calls are trivial, so every figure is the cost of getting work to a worker process and back.
/// </summary>
internal static class ProcessPoolBenchmarks
{
    /// <summary>Ample time for a spare worker process to boot on this machine (about 0.3 s alone).</summary>
    private static readonly TimeSpan SparesBootTime = TimeSpan.FromSeconds(1);

    public static ProcessPoolResult Run(int workers, int reps, bool quick)
    {
        var calls = quick ? 2_000 : 20_000;
        var mapItems = quick ? 20_000 : 200_000;
        const int Chunk = 1000;
        var roundTrips = quick ? 500 : 2_000;

        Sample submit, map, roundTrip;
        using (var executor = new ProcessPoolExecutor(workers))
        {
            Progress("ProcessPoolExecutor submit-then-collect");
            submit = Measure.Median(reps, calls, n => SubmitCollect(executor, n));
            Progress("ProcessPoolExecutor map");
            map = Measure.Median(reps, mapItems, n => executor.Map(Inc, Enumerable.Range(0, n), chunkSize: Chunk).Sum(x => (long)x));
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

        Progress("CPython ProcessPoolExecutor (python3 cpython_process_bench.py)");
        using var py = CPython.RunScript("cpython_process_bench.py", workers, calls, mapItems, Chunk, roundTrips, reps);
        var root = py?.RootElement;
        var result = new ProcessPoolResult(workers, calls, mapItems, Chunk, roundTrips, submit, map, roundTrip, cold, submitWithoutPrefetch, bare, bareLoopback, bootedCold,
            root?.GetProperty("submit_collect_calls_per_s").GetDouble(), root?.GetProperty("map_items_per_s").GetDouble(),
            root?.GetProperty("round_trip_us").GetDouble(), root?.GetProperty("cold_start_ms").GetDouble());

        Console.WriteLine();
        Console.WriteLine(Invariant($"Process pool: {workers} worker processes for both, median of {reps} repetition(s) after 1 warm-up."));
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
