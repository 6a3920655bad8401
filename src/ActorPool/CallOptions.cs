using Polly.Retry;

namespace ActorPool;

/// <summary>
/// How one call may be stopped: a token that cancels it, a limit on its run time, and how long a stopped call may take
/// to end on its own before it is stopped by force. Pass it as the last argument of any <c>Submit</c>.
/// </summary>
/// <remarks>
/// Beyond Python. Canceled while the call is pending, the future is canceled at once, as by <see cref="Future.Cancel()"/>.
/// Canceled while it runs (or when <see cref="Timeout"/> runs out), the call's own token is canceled: the function's
/// <see cref="System.Threading.CancellationToken"/> parameter, and <see cref="CallContext.CancellationToken"/>. A call that
/// then ends within <see cref="GracePeriod"/> settles its future by its own outcome, except that an
/// <see cref="OperationCanceledException"/> makes the future canceled (or, after a timeout, failed with a
/// <see cref="TimeoutException"/>). One still running after the grace period is stopped by force: a process pool's worker
/// is killed and replaced; a thread cannot be killed, so it is abandoned (its future settles, its late result is discarded).
/// </remarks>
public sealed record CallOptions
{
    /// <summary>The longest the call may run, counted from when it starts running; null for no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Cancels the call: while it is pending, at once; while it runs, through its own token.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>From the stop request (a canceled token or the timeout) to the forced stop; null takes <c>actorpool.grace-period</c> (5 s by default).</summary>
    public TimeSpan? GracePeriod { get; init; }

    // Priorities: see docs/policies.md#priorities.

    /// <summary>The lowest <see cref="Priority"/>.</summary>
    public const int MinPriority = -1_000_000;

    /// <summary>The highest <see cref="Priority"/>.</summary>
    public const int MaxPriority = 1_000_000;

    /// <summary>
    /// Where the call goes in its executor's queue: calls of a higher priority start before queued calls of a lower one,
    /// and calls of one priority start in submission order. 0 by default; from <see cref="MinPriority"/> to
    /// <see cref="MaxPriority"/>. Calls already sent ahead to a worker are not reordered, and low priorities can starve:
    /// see docs/policies.md.
    /// </summary>
    public int Priority { get; init; }

    // Retries (issue 18). -------------------------------------------------------------------------------------------

    /// <summary>
    /// Retries this call as Polly's <see cref="RetryStrategyOptions"/> say, in place of the executor's
    /// <see cref="ExecutorPolicy.Retry"/>; null takes the executor's. <see cref="Timeout"/> and <see cref="GracePeriod"/>
    /// apply to each attempt; <see cref="CancellationToken"/> stops the retrying too (also during a delay).
    /// </summary>
    /// <remarks>Read at <c>Submit</c>; see <see cref="ExecutorPolicy.Retry"/> and docs/policies.md.</remarks>
    public RetryStrategyOptions? Retry { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a limit that is not positive or too long to count, or a priority out of range.</summary>
    internal void Validate()
    {
        Check(Timeout, nameof(Timeout));
        Check(GracePeriod, nameof(GracePeriod));
        if (Priority is < MinPriority or > MaxPriority)
        {
            throw new ArgumentOutOfRangeException(
                "options.Priority", Priority, $"CallOptions.Priority must be from {MinPriority:N0} to {MaxPriority:N0} (CallOptions.MinPriority to CallOptions.MaxPriority); 0 is the default.");
        }
    }

    /// <summary>The longest limit a timer counts: what <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> takes.</summary>
    internal static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private static void Check(TimeSpan? limit, string name)
    {
        if (limit is { } value && (value <= TimeSpan.Zero || value > Longest))
        {
            throw new ArgumentOutOfRangeException(
                $"options.{name}", value, $"CallOptions.{name} must be positive and at most {Longest.TotalDays:N0} days; leave it null for {(name == nameof(Timeout) ? "no limit" : "the default")}.");
        }
    }
}
