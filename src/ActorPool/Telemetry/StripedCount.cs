using System.Numerics;

namespace ActorPool.Telemetry;

/// <summary>
/// A count that only grows, added to by many threads at once: each processor adds to a cell of its own, on its own cache
/// lines, so the thread submitting calls and the workers starting and settling them never contend for one line per
/// call. Reading sums the cells (a listener reads rarely; calls add all the time).
/// </summary>
internal sealed class StripedCount
{
    private const int Stride = 16; // longs per cell: 128 bytes, so neighbouring cells share no line, nor a prefetched pair

    private static readonly int Cells = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount, 1, 64));

    private readonly long[] cells = new long[Cells * Stride];

    public void Increment() => Interlocked.Increment(ref cells[(Thread.GetCurrentProcessorId() & (Cells - 1)) * Stride]);

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
