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
    public static void Run(Action run) => Make(() =>
    {
        run();
        return true;
    });

    public static T Make<T>(Func<T> make)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return make();
        }

        using (ExecutionContext.SuppressFlow())
        {
            return make();
        }
    }
}
