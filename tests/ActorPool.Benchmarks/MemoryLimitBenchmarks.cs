using System.Diagnostics;
using System.Globalization;
using ActorPool;
using ActorPool.Configuration;
using Akka.Actor;
using Akka.Configuration;

namespace ActorPool.Benchmarks;

/// <summary>
/// One cell of the memory-limit figures: runaway calls growing their worker at <see cref="MegabytesPerSecond"/> (MiB/s) in a pool
/// reading worker memory every <see cref="Interval"/>. <see cref="Detection"/> runs from the moment the worker itself saw
/// its resident memory over the hard limit to its future failed; <see cref="OvershootMegabytes"/> is how far over the
/// limit the parent saw it when it killed it.
/// </summary>
internal sealed record MemoryDetection(TimeSpan Interval, int MegabytesPerSecond, Latencies Detection, Latencies OvershootMegabytes);

/// <summary>
/// How fast a process pool catches a runaway allocation (ExecutorPolicy.WorkerMemoryHardLimit), for a grid of sampling
/// intervals (<c>actorpool.process-pool.memory-check-interval</c>) and allocation rates. The worker paces its allocation
/// (4 MiB chunks, each page touched so it becomes resident), reads its own RSS after each chunk, and writes down the
/// monotonic time (Stopwatch, which on Linux is CLOCK_MONOTONIC, the same in every process) at which it first saw itself
/// over the limit; the parent notes the same clock when the call's future fails. Linux only (it reads /proc/self/statm).
/// </summary>
internal static class MemoryLimitBenchmarks
{
    private const long Limit = 384L << 20;
    private const int ChunkBytes = 4 << 20;

    /// <summary>Far past the limit: a run that reaches it was never stopped, and fails the benchmark.</summary>
    private const int CapMegabytes = 4096;

    /// <summary>Ample time for the pool's spare workers to boot on this machine, so no run competes with them for the CPU.</summary>
    private static readonly TimeSpan SparesBootTime = TimeSpan.FromSeconds(1.5);

    public static IReadOnlyList<MemoryDetection> Run(bool quick)
    {
        if (!OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("the memory-limit benchmark reads /proc/self/statm: Linux only, skipped");
            return [];
        }

        int[] intervals = quick ? [100] : [25, 100, 250];
        int[] rates = quick ? [500] : [250, 1000];
        var runs = quick ? 2 : 10;
        var dir = Directory.CreateTempSubdirectory("actorpool-memory-bench-");
        var cells = new List<MemoryDetection>();
        try
        {
            foreach (var interval in intervals)
            {
                foreach (var rate in rates)
                {
                    Progress(Invariant($"runaway allocation at {rate} MiB/s caught with memory-check-interval = {interval} ms ×{runs}"));
                    cells.Add(Cell(TimeSpan.FromMilliseconds(interval), rate, runs, dir.FullName));
                }
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }

        Print(cells);
        return cells;
    }

    private static MemoryDetection Cell(TimeSpan interval, int rate, int runs, string dir)
    {
        var config = ConfigurationFactory.ParseString(Invariant($"actorpool.process-pool.memory-check-interval = {interval.TotalMilliseconds}ms"))
            .WithFallback(ActorPoolConfig.ProcessParentSystemConfig);
        using var system = ActorSystem.Create(Invariant($"memory-bench-{interval.TotalMilliseconds}-{rate}"), config);
        var detection = new List<double>();
        var overshoot = new List<double>();
        using (var executor = new ProcessPoolExecutor(1, system: system, policy: new ExecutorPolicy { WorkerMemoryHardLimit = Limit }))
        {
            Check(executor.Submit(Inc, 0).Result());
            for (var r = -1; r < runs; r++)
            {
                Thread.Sleep(SparesBootTime); // the replacement of the last run's worker, and the spare behind it, are up
                var crossedFile = Path.Combine(dir, Invariant($"crossed-{interval.TotalMilliseconds}-{rate}-{r + 1}"));
                var future = executor.Submit(Runaway, crossedFile, Limit, rate);
                var error = future.Exception(TimeSpan.FromMinutes(2));
                var failedAt = Stopwatch.GetTimestamp();
                if (error is not WorkerMemoryExceededException exceeded)
                {
                    throw new InvalidOperationException($"The runaway call was not stopped by the hard limit: {error?.ToString() ?? "it returned"}");
                }

                var crossedAt = long.Parse(File.ReadAllText(crossedFile), CultureInfo.InvariantCulture);
                if (r >= 0)
                {
                    // The first run, a warm-up, pays for JIT-compiling the watch and kill paths.
                    detection.Add(Stopwatch.GetElapsedTime(crossedAt, failedAt).TotalMilliseconds);
                    overshoot.Add((exceeded.MemorySeen - Limit) / (1024.0 * 1024.0));
                }
            }
        }

        system.Terminate().Wait(TimeSpan.FromSeconds(10));
        return new MemoryDetection(interval, rate, new Latencies([.. detection]), new Latencies([.. overshoot]));
    }

    /// <summary>
    /// Runs in the worker: allocates <paramref name="megabytesPerSecond"/>, paced chunk by chunk, keeping everything, and
    /// writes to <paramref name="crossedFile"/> the Stopwatch time at which its RSS first went over <paramref name="limit"/>.
    /// </summary>
    private static int Runaway(string crossedFile, long limit, int megabytesPerSecond)
    {
        var kept = new List<byte[]>();
        var ticksPerChunk = Stopwatch.Frequency * ChunkBytes / ((long)megabytesPerSecond << 20);
        var start = Stopwatch.GetTimestamp();
        var crossed = false;
        for (var i = 1; (long)i * ChunkBytes <= (long)CapMegabytes << 20; i++)
        {
            var chunk = GC.AllocateUninitializedArray<byte>(ChunkBytes);
            for (var p = 0; p < chunk.Length; p += Environment.SystemPageSize)
            {
                chunk[p] = 1;
            }

            kept.Add(chunk);
            if (!crossed && Resident() > limit)
            {
                crossed = true;
                File.WriteAllText(crossedFile, Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture));
            }

            var due = start + (i * ticksPerChunk);
            while (Stopwatch.GetTimestamp() < due)
            {
                Thread.Sleep(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due) > TimeSpan.FromMilliseconds(2) ? 1 : 0);
            }
        }

        return kept.Count;
    }

    private static long Resident() =>
        long.Parse(File.ReadAllText("/proc/self/statm").Split(' ')[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;

    private static int Inc(int x) => x + 1;

    private static void Check(int result)
    {
        if (result != 1)
        {
            throw new InvalidOperationException($"Expected 1, got {result}");
        }
    }

    private static void Print(List<MemoryDetection> cells)
    {
        Console.WriteLine();
        Console.WriteLine(Invariant($"Runaway allocation vs ExecutorPolicy.WorkerMemoryHardLimit = {Limit >> 20} MiB, one worker; detection = worker saw RSS over the limit → future failed:"));
        Console.WriteLine("| memory-check-interval | allocation rate | runs | detection median | p95 | max | overshoot median | max | sampling share (overshoot ÷ rate) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in cells)
        {
            Console.WriteLine(Invariant(
                $"| {c.Interval.TotalMilliseconds:N0} ms | {c.MegabytesPerSecond:N0} MiB/s | {c.Detection.Count} | {c.Detection.Median:N1} ms | {c.Detection.P95:N1} ms | {c.Detection.Max:N1} ms | {c.OvershootMegabytes.Median:N0} MiB | {c.OvershootMegabytes.Max:N0} MiB | {c.OvershootMegabytes.Median * 1000 / c.MegabytesPerSecond:N0} ms |"));
        }
    }

    private static void Progress(string what) => Console.Error.WriteLine($"measuring {what}...");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
