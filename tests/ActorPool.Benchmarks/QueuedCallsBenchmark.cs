using System.Diagnostics;
using ActorPool;

namespace ActorPool.Benchmarks;

/// <summary>One repetition's figures for many calls queued behind blocked workers (medians over repetitions).</summary>
/// <param name="Calls">Calls queued at once.</param>
/// <param name="RetainedBytesPerCall">Growth of the live managed heap (<c>GC.GetTotalMemory(true)</c>) per queued call.</param>
/// <param name="AllocatedBytesPerCall">Bytes the submitting thread allocated per call (<c>GC.GetAllocatedBytesForCurrentThread</c>).</param>
/// <param name="SubmitSeconds">Time to submit them all while no worker could take any.</param>
/// <param name="DrainSeconds">Time from releasing the workers to the last result.</param>
/// <param name="AllCompleted">Every call finished with its own result.</param>
internal sealed record QueuedCallsResult(int Calls, double RetainedBytesPerCall, double AllocatedBytesPerCall,
    double SubmitSeconds, double DrainSeconds, bool AllCompleted);

/// <summary>
/// Queues many trivial calls at once on a <see cref="ThreadPoolExecutor"/> whose workers are all blocked, so every call
/// sits in the pool's queue at the moment of measuring: the live heap's growth per call is what a queued call costs.
/// Then the workers are released and every result is checked. Each repetition gets a new executor, so storage the pool
/// grows once and keeps (its queue's array) is charged to every repetition, not only to the first.
/// </summary>
internal static class QueuedCallsBenchmark
{
    public static QueuedCallsResult Run(int workers, int calls, int reps)
    {
        Once(workers, Math.Min(calls, 10_000)); // warm-up: JIT, Akka, the router's queue growth code
        var runs = Enumerable.Range(0, reps).Select(_ => Once(workers, calls)).ToArray();
        return new QueuedCallsResult(
            calls,
            Median(runs.Select(r => r.RetainedBytesPerCall)),
            Median(runs.Select(r => r.AllocatedBytesPerCall)),
            Median(runs.Select(r => r.SubmitSeconds)),
            Median(runs.Select(r => r.DrainSeconds)),
            runs.All(r => r.AllCompleted));
    }

    // Adds one so the checksum 1 + 2 + ... + n proves every result came back.
    private static int Inc(int x) => x + 1;

    private static QueuedCallsResult Once(int workers, int calls)
    {
        using var executor = new ThreadPoolExecutor(workers);
        using var release = new ManualResetEventSlim(false);
        using var started = new CountdownEvent(workers);
        var blockers = new Future<int>[workers];
        for (var w = 0; w < workers; w++)
        {
            blockers[w] = executor.Submit(() =>
            {
                started.Signal();
                release.Wait();
                return 0;
            });
        }

        started.Wait(); // every worker is inside a blocker, so nothing submitted below can leave the queue

        // The array that keeps the futures is the benchmark's, not the pool's: made before the baseline.
        var futures = new Future<int>[calls];
        var liveBefore = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            futures[i] = executor.Submit(Inc, i);
        }

        var submitSeconds = clock.Elapsed.TotalSeconds;
        var allocatedAfter = GC.GetAllocatedBytesForCurrentThread();
        var liveAfter = GC.GetTotalMemory(forceFullCollection: true);
        var stillQueued = futures.Count(f => !f.IsRunning && !f.IsDone);

        clock.Restart();
        release.Set();
        long sum = 0;
        foreach (var future in futures)
        {
            sum += future.Result();
        }

        var drainSeconds = clock.Elapsed.TotalSeconds;
        foreach (var blocker in blockers)
        {
            blocker.Result();
        }

        return new QueuedCallsResult(
            calls,
            (double)(liveAfter - liveBefore) / calls,
            (double)(allocatedAfter - allocatedBefore) / calls,
            submitSeconds,
            drainSeconds,
            AllCompleted: stillQueued == calls && sum == (long)calls * (calls + 1) / 2 && futures.All(f => f.IsDone));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
