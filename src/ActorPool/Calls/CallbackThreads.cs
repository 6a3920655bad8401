namespace ActorPool.Calls;

/// <summary>
/// Where a future's done-callbacks may run. They run on the thread that settles the future (a worker thread, as in
/// CPython) unless that thread must not run user code: one that reads a worker process's socket, say, where a callback
/// that blocks would stop that worker's answers and every turn queued behind them. Such a thread enters the policy once;
/// callbacks of futures it settles then go to the .NET thread pool.
/// </summary>
internal static class CallbackThreads
{
    [ThreadStatic] private static bool mustNotRunCallbacks;

    /// <summary>True on a thread that entered <see cref="RunNoCallbacksHere"/>.</summary>
    public static bool MustNotRunCallbacks => mustNotRunCallbacks;

    /// <summary>For the calling thread, for the rest of its life: callbacks of the futures it settles run elsewhere.</summary>
    public static void RunNoCallbacksHere() => mustNotRunCallbacks = true;
}
