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

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> (or <see cref="ArgumentException"/>) for a value an executor of
    /// <paramref name="kind"/> cannot honor, at construction rather than at the first call.
    /// </summary>
    /// <param name="kind"><c>thread</c>, <c>process</c> or <c>cluster</c>.</param>
#pragma warning disable CA1822, IDE0060 // each policy adds its checks here
    internal void Validate(string kind)
    {
    }
#pragma warning restore CA1822, IDE0060
}
