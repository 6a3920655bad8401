using System.Diagnostics;

namespace ActorPool.Benchmarks;

/// <summary>One benchmark's medians: wall time of a repetition and process-wide bytes allocated per operation.</summary>
internal sealed record Sample(int Ops, double Seconds, double BytesPerOp)
{
    public double OpsPerSecond => Ops / Seconds;

    public double MicrosPerOp => Seconds * 1e6 / Ops;
}

internal static class Measure
{
    /// <summary>
    /// Runs <paramref name="run"/> once to warm up (JIT, tiering, thread pools, the executor's workers), then
    /// <paramref name="reps"/> times; each run must return the checksum 1 + 2 + ... + ops, so no result is skipped.
    /// </summary>
    public static Sample Median(int reps, int ops, Func<int, long> run)
    {
        var expected = (long)ops * (ops + 1) / 2;
        Check(run(ops), expected);
        var seconds = new double[reps];
        var bytes = new double[reps];
        for (var r = 0; r < reps; r++)
        {
            // Collect first so one repetition's garbage is not charged to the next one's time.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            var sum = run(ops);
            clock.Stop();
            bytes[r] = (double)(GC.GetTotalAllocatedBytes(precise: true) - allocated) / ops;
            seconds[r] = clock.Elapsed.TotalSeconds;
            Check(sum, expected);
        }

        return new Sample(ops, Median(seconds), Median(bytes));
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        var mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static void Check(long sum, long expected)
    {
        if (sum != expected)
        {
            throw new InvalidOperationException($"Checksum {sum} != {expected}: some results were lost or wrong.");
        }
    }
}
