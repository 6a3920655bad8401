namespace ActorPool;

/// <summary>
/// What an executor does with every call it takes, beyond running it: the policies real workloads need (retries,
/// poison calls, memory limits, bounded submission). Passed to an executor's constructor (a cluster pool's
/// <c>ClusterPoolExecutorOptions.Policy</c>); null, or a property left null, keeps Python's behavior.
/// </summary>
/// <remarks>Beyond Python. A call's own <see cref="CallOptions"/> override the executor's policy where both say something.</remarks>
public sealed record ExecutorPolicy
{
    /// <summary>The policy of an executor constructed without one: Python's behavior.</summary>
    public static ExecutorPolicy Default { get; } = new();

    // Bounded submission (backpressure): see docs/policies.md#bounded-submission.

    /// <summary>
    /// The most calls queued at once (accepted by <c>Submit</c>, <c>Map</c> or <c>MapAsync</c> and not yet started, as
    /// <c>actorpool.calls.queued</c> counts them, calls sent ahead to a worker included); null for no limit. A call frees its
    /// room when it starts, or when it settles without starting (canceled, failed). At least 1.
    /// </summary>
    public int? MaxQueuedCalls { get; init; }

    /// <summary>What <c>Submit</c> does when <see cref="MaxQueuedCalls"/> calls are queued: wait for room (the default), or throw <see cref="QueueFullException"/>.</summary>
    public QueueFullMode WhenFull { get; init; } = QueueFullMode.Wait;

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> (or <see cref="ArgumentException"/>) for a value an executor of
    /// <paramref name="kind"/> cannot honor, at construction rather than at the first call.
    /// </summary>
    /// <param name="kind"><c>thread</c>, <c>process</c> or <c>cluster</c>.</param>
#pragma warning disable CA1822, IDE0060 // each policy adds its checks here
    internal void Validate(string kind)
    {
        ValidateQueueLimit();
    }
#pragma warning restore CA1822, IDE0060

    private void ValidateQueueLimit()
    {
        if (MaxQueuedCalls is < 1)
        {
            throw new ArgumentOutOfRangeException(
                "policy.MaxQueuedCalls", MaxQueuedCalls, "ExecutorPolicy.MaxQueuedCalls must be at least 1; leave it null for no limit on queued calls.");
        }

        if (!Enum.IsDefined(WhenFull))
        {
            throw new ArgumentOutOfRangeException(
                "policy.WhenFull", WhenFull, $"ExecutorPolicy.WhenFull must be {nameof(QueueFullMode.Wait)} or {nameof(QueueFullMode.Throw)}.");
        }
    }
}
