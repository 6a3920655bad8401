using ActorPool.Tests.Contract;

namespace ActorPool.Tests.ProcessPool;

/// <summary>
/// Calls that make a worker process's resident memory grow, for the memory-limit tests: every page they allocate is
/// written to, since the OS makes a page resident only when it is first touched.
/// </summary>
internal static class MemoryCalls
{
    private const int Chunk = 8 << 20;

    // What a call keeps alive after it returns, so the worker stays as large as it made itself.
    private static readonly List<byte[]> Kept = [];

    /// <summary>
    /// Allocates and touches <see cref="Chunk"/> bytes every <paramref name="pauseMilliseconds"/>, keeping them, until
    /// <paramref name="capMegabytes"/> are allocated: a runaway allocation that a hard limit below the cap must stop by
    /// killing the worker. Returns (if the worker lived) how many megabytes it allocated.
    /// </summary>
    public static int AllocateUntilKilled(int capMegabytes, int pauseMilliseconds)
    {
        var held = new List<byte[]>();
        for (var total = 0L; total < (long)capMegabytes << 20; total += Chunk)
        {
            held.Add(Touched(Chunk));
            Thread.Sleep(pauseMilliseconds);
        }

        return held.Count * (Chunk >> 20);
    }

    /// <summary>
    /// Allocates and touches <paramref name="megabytes"/>, kept after the call returns, then runs <paramref name="item"/> of
    /// probe <paramref name="key"/> (which may block until the test opens its gate); returns the worker's pid.
    /// </summary>
    public static int GrowThenStep(int megabytes, string key, int item)
    {
        lock (Kept)
        {
            for (var i = 0; i < megabytes >> 3; i++)
            {
                Kept.Add(Touched(Chunk));
            }
        }

        Probe.Of(key).Run(item);
        return Environment.ProcessId;
    }

    /// <summary>
    /// Returns the worker's pid at once, leaving behind a thread that grows the worker by <paramref name="megabytes"/> once
    /// item 0 of probe <paramref name="key"/> passes its gate: memory that grows while the worker runs no call.
    /// </summary>
    public static int GrowAfterReturning(int megabytes, string key)
    {
        new Thread(() =>
        {
            Probe.Of(key).Run(0);
            lock (Kept)
            {
                for (var i = 0; i < megabytes >> 3; i++)
                {
                    Kept.Add(Touched(Chunk));
                }
            }
        }) { IsBackground = true }.Start();
        return Environment.ProcessId;
    }

    private static byte[] Touched(int bytes)
    {
        var block = GC.AllocateUninitializedArray<byte>(bytes);
        for (var i = 0; i < block.Length; i += Environment.SystemPageSize)
        {
            block[i] = 1;
        }

        return block;
    }
}
