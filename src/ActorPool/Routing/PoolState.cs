namespace ActorPool.Routing;

/// <summary>
/// What an executor and its router share without messages: the calls submitted (<see cref="Calls"/>), whether the
/// pool broke, and when the router stopped.
/// </summary>
internal sealed class PoolState
{
    private volatile Exception? brokenCause;
    private volatile bool routerStopped;
    private volatile int workers;
    private volatile bool prioritized;

    /// <summary>Why the pool is broken (the initializer's exception), or null while it is healthy.</summary>
    public Exception? BrokenCause => brokenCause;

    public bool IsBroken => brokenCause is not null;

    /// <summary>Submitted calls the router has not taken yet.</summary>
    public CallInbox Calls { get; } = new();

    /// <summary>
    /// True from the moment the router starts to stop, before it fails what the inbox holds: a call posted and then
    /// found here must be failed by its poster, as no router will take it.
    /// </summary>
    public bool RouterStopped => routerStopped;

    public void MarkRouterStopped()
    {
        routerStopped = true;
        workers = 0;
    }

    /// <summary>The workers the router has now (started or starting), for the <c>actorpool.workers</c> gauge; set by the router.</summary>
    public int Workers
    {
        get => workers;
        set => workers = value;
    }

    /// <summary>
    /// True once a call with a non-zero <see cref="CallOptions.Priority"/> has been submitted: set before that call is posted,
    /// so the router orders its queue by priority from then on. Calls without one never write it.
    /// </summary>
    public bool Prioritized => prioritized;

    public void MarkPrioritized()
    {
        if (!prioritized)
        {
            prioritized = true;
        }
    }

    /// <summary>
    /// Calls with a retry policy whose retrying is not over: a shutting-down router waits for them (one may post another
    /// attempt yet), and keeps replacing lost workers for them. Changed only for such calls.
    /// </summary>
    public int Retrying => Volatile.Read(ref retrying);

    private int retrying;

    public void RetryingStarted() => Interlocked.Increment(ref retrying);

    public void RetryingEnded() => Interlocked.Decrement(ref retrying);

    public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void MarkBroken(Exception cause) => Interlocked.CompareExchange(ref brokenCause, cause, null);
}
