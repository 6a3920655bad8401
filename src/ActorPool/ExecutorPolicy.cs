using ActorPool.Calls;
using Polly.Retry;

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

    // Retries and poison calls (issue 18). -------------------------------------------------------------------------

    /// <summary>
    /// Retries every call that fails, as Polly's <see cref="RetryStrategyOptions"/> say: how many retries
    /// (<c>MaxRetryAttempts</c>), which failures (<c>ShouldHandle</c>; <see cref="CallRetries.HandleWorkerDeath{TResult}"/>
    /// adds a worker's death), the delay with its backoff and jitter. Null (the default) retries nothing. A call's
    /// <see cref="CallOptions.Retry"/> replaces it for that call.
    /// </summary>
    /// <remarks>
    /// Each attempt is a fresh hand-over to a worker; the future stays pending until the last attempt settles, and its
    /// final exception carries the attempt count (<see cref="CallRetries.AttemptsKey"/>). The delays are counted by a
    /// timer, never on a worker. The options are read once, at construction. See docs/policies.md.
    /// </remarks>
    public RetryStrategyOptions? Retry { get; init; }

    /// <summary>
    /// How many workers a retried call may see die under it before it is failed with a <see cref="PoisonCallException"/>
    /// instead of being tried again; 3 by default (Dask's <c>allowed-failures</c>). Counts whatever the retry policy says,
    /// and applies only to calls with one: without a retry policy a worker's death fails its call at once.
    /// </summary>
    public int MaxWorkerDeathsPerCall { get; init; } = 3;

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
        ValidateQueueLimit();
        ValidateMemoryLimits(kind);
        if (MaxWorkerDeathsPerCall < 1)
        {
            throw OutOfRange(
                nameof(MaxWorkerDeathsPerCall), MaxWorkerDeathsPerCall,
                $"ExecutorPolicy.{nameof(MaxWorkerDeathsPerCall)} must be at least 1 (a call is failed as poison at that many worker deaths); the default is 3.");
        }

        RetryRecipe.Check(Retry, "policy.Retry");
    }

    private void ValidateQueueLimit()
    {
        if (MaxQueuedCalls is < 1)
        {
            throw OutOfRange(nameof(MaxQueuedCalls), MaxQueuedCalls, "ExecutorPolicy.MaxQueuedCalls must be at least 1; leave it null for no limit on queued calls.");
        }

        if (!Enum.IsDefined(WhenFull))
        {
            throw OutOfRange(nameof(WhenFull), WhenFull, $"ExecutorPolicy.WhenFull must be {nameof(QueueFullMode.Wait)} or {nameof(QueueFullMode.Throw)}.");
        }
    }

    private static ArgumentOutOfRangeException OutOfRange(string name, object? value, string message) => new($"policy.{name}", value, message);

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
