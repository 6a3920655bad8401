using System.Numerics;

namespace ActorPool.Telemetry;

/// <summary>
/// A count that only grows, added to by many threads at once: each thread adds to a cell picked by its managed id, on
/// cache lines of that cell's own, so the thread submitting calls and the workers starting and settling them do not
/// contend for one line per call. Reading sums the cells (a listener reads rarely; calls add all the time).
/// </summary>
internal sealed class StripedCount
{
    private const int Stride = 16; // longs per cell: 128 bytes, so neighbouring cells share no line, nor a prefetched pair

    // Live threads have distinct small ids (an exited thread's id is given to a later one), so a submitter and its pool's
    // workers, started together, mostly get cells of their own; 8 to 64 cells, twice the cores, so threads that share one
    // are rare. A thread's id is a field read; the processor's id, which this striping used before, calls sched_getcpu
    // whenever .NET refreshes its cached value. Which cell a thread uses matters for contention only: Read sums them all.
    private static readonly int Cells = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(2 * Environment.ProcessorCount, 8, 64));

    private readonly long[] cells = new long[Cells * Stride];

    public void Increment() => Interlocked.Increment(ref cells[(Environment.CurrentManagedThreadId & (Cells - 1)) * Stride]);

    /// <summary>The count: exact when nothing adds meanwhile, else somewhere between its value when the read began and when it ended.</summary>
    public long Read()
    {
        long sum = 0;
        for (var i = 0; i < cells.Length; i += Stride)
        {
            sum += Volatile.Read(ref cells[i]);
        }

        return sum;
    }
}
