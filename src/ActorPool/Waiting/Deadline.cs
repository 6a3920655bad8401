using System.Diagnostics;

namespace ActorPool.Waiting;

/// <summary>
/// A point in time derived from a <c>TimeSpan?</c> timeout, as Python computes <c>end_time</c>:
/// <c>null</c> and <see cref="Timeout.InfiniteTimeSpan"/> never expire, any other negative value is zero.
/// </summary>
internal readonly struct Deadline
{
    private readonly long endTimestamp; // Stopwatch ticks; long.MaxValue means never

    private Deadline(long endTimestamp) => this.endTimestamp = endTimestamp;

    public static Deadline Never => new(long.MaxValue);

    public bool IsInfinite => endTimestamp == long.MaxValue;

    public static Deadline After(TimeSpan? timeout)
    {
        if (timeout is not { } span || span == Timeout.InfiniteTimeSpan)
        {
            return Never;
        }

        var ticks = span <= TimeSpan.Zero ? 0 : (long)(span.Ticks * ((double)Stopwatch.Frequency / TimeSpan.TicksPerSecond));
        var now = Stopwatch.GetTimestamp();
        return new Deadline(ticks >= long.MaxValue - now ? long.MaxValue : now + ticks);
    }

    /// <summary>Time left, never negative; <see cref="Timeout.InfiniteTimeSpan"/> when infinite.</summary>
    public TimeSpan Remaining
    {
        get
        {
            if (IsInfinite)
            {
                return Timeout.InfiniteTimeSpan;
            }

            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), endTimestamp);
            return left > TimeSpan.Zero ? Min(left, MaxWait) : TimeSpan.Zero;
        }
    }

    public bool HasExpired => !IsInfinite && Stopwatch.GetTimestamp() >= endTimestamp;

    /// <summary>Milliseconds left for <see cref="Monitor.Wait(object, int)"/>-style APIs; -1 when infinite.</summary>
    public int RemainingMilliseconds => IsInfinite ? Timeout.Infinite : (int)Math.Ceiling(Remaining.TotalMilliseconds);

    // Wait primitives take at most int.MaxValue milliseconds; a longer wait simply loops.
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(int.MaxValue - 1);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
