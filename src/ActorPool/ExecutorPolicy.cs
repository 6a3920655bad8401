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

    // Memory limits (process pools only).

    /// <summary>
    /// Bytes of resident memory a worker process may use before it is recycled: once its parent sees it over this, the
    /// worker gets no new call, the calls it holds unstarted go to its successor, and it exits after the call it runs
    /// (a spare takes over). Null for no limit. Process pools only (docs/policies.md, "Memory limits").
    /// </summary>
    /// <remarks>Beyond Python: as loky's memory-leak check, or Dask's nanny restarting a worker over its memory target.</remarks>
    public long? WorkerMemorySoftLimit { get; init; }

    /// <summary>
    /// Bytes of resident memory a worker process may use at most: once its parent sees it over this while it runs a call,
    /// the worker is killed; the call fails with a <see cref="WorkerMemoryExceededException"/>, the calls it held
    /// unstarted run elsewhere, and a replacement starts. Null for no limit. At least <see cref="WorkerMemorySoftLimit"/>
    /// when both are set. Process pools only.
    /// </summary>
    /// <remarks>Beyond Python: as Dask's nanny killing a worker at 95 % of its memory limit.</remarks>
    public long? WorkerMemoryHardLimit { get; init; }

    /// <summary>True if a memory limit is set, so a process pool's proxies watch their workers' memory.</summary>
    internal bool LimitsWorkerMemory => WorkerMemorySoftLimit is not null || WorkerMemoryHardLimit is not null;

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> (or <see cref="ArgumentException"/>) for a value an executor of
    /// <paramref name="kind"/> cannot honor, at construction rather than at the first call.
    /// </summary>
    /// <param name="kind"><c>thread</c>, <c>process</c> or <c>cluster</c>.</param>
    internal void Validate(string kind)
    {
        ValidateMemoryLimits(kind);
    }

    private void ValidateMemoryLimits(string kind)
    {
        if (!LimitsWorkerMemory)
        {
            return;
        }

        if (kind != "process")
        {
            var name = WorkerMemorySoftLimit is not null ? nameof(WorkerMemorySoftLimit) : nameof(WorkerMemoryHardLimit);
            throw new ArgumentException(
                $"ExecutorPolicy.{name} needs worker processes, and a {kind} pool's calls run on threads" +
                (kind == "cluster" ? " of its nodes" : "") +
                ", which cannot be recycled or killed alone. Use a ProcessPoolExecutor for calls whose memory must be limited " +
                "(docs/policies.md, \"Memory limits\", says what a thread pool can do instead), or leave the limits null.",
                $"policy.{name}");
        }

        foreach (var (value, name) in new[] { (WorkerMemorySoftLimit, nameof(WorkerMemorySoftLimit)), (WorkerMemoryHardLimit, nameof(WorkerMemoryHardLimit)) })
        {
            if (value is <= 0)
            {
                throw new ArgumentOutOfRangeException(
                    $"policy.{name}", value, $"ExecutorPolicy.{name} is a number of bytes and must be positive; leave it null for no limit.");
            }
        }

        if (WorkerMemorySoftLimit > WorkerMemoryHardLimit)
        {
            var name = nameof(WorkerMemorySoftLimit);
            throw new ArgumentOutOfRangeException(
                $"policy.{name}", WorkerMemorySoftLimit,
                $"ExecutorPolicy.{nameof(WorkerMemorySoftLimit)} ({WorkerMemorySoftLimit} bytes) is above {nameof(WorkerMemoryHardLimit)} " +
                $"({WorkerMemoryHardLimit} bytes), so a worker would be killed before it could be recycled: set the soft limit at or below the hard one.");
        }
    }
}
