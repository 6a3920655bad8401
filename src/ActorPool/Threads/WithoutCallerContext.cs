namespace ActorPool.Threads;

/// <summary>
/// Makes what outlives the code that makes it (an actor system, its router and workers, a child process's exit watch and
/// output readers) without that code's <see cref="ExecutionContext"/>. A thread started, or a timer or wait registered,
/// while flow is on keeps its creator's async-locals for life: an executor made inside a request would run every later
/// call under that request's <c>Activity.Current</c> and whatever else the request had put in async-locals. The
/// library's own threads use <see cref="Thread.UnsafeStart()"/> for the same reason.
/// </summary>
internal static class WithoutCallerContext
{
    public static void Run(Action run) => Make(static run =>
    {
        run();
        return true;
    }, run);

    public static T Make<T>(Func<T> make) => Make(static make => make(), make);

    /// <summary>The one place that suppresses flow; <paramref name="state"/> lets a hot caller pass what it needs without a closure.</summary>
    public static T Make<TState, T>(Func<TState, T> make, TState state)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return make(state);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return make(state);
        }
    }
}
