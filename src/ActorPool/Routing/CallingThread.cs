using Akka.Dispatch;

namespace ActorPool.Routing;

/// <summary>
/// Runs actor turns on the thread that schedules them. A turn scheduled while this thread is already running one
/// waits in a per-thread queue and runs right after it, so a chain of actors (the router, a worker's proxy, the
/// endpoint that writes to a socket) runs on one thread with a flat stack; past a budget of turns, the rest go to
/// the .NET thread pool, so a sender is never held for long.
/// </summary>
internal static class CallingThread
{
    private const int Budget = 64;

    [ThreadStatic] private static Queue<IRunnable>? pending;
    [ThreadStatic] private static bool forbidden;

    /// <summary>Marks this thread as one that must never run actor turns (a socket's reading thread: a turn may write, and a blocked read deadlocks two processes).</summary>
    public static void Forbid() => forbidden = true;

    public static void Run(IRunnable run)
    {
        if (forbidden)
        {
            ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: false);
            return;
        }

        if (pending is { } queue)
        {
            queue.Enqueue(run);
            return;
        }

        queue = pending = new Queue<IRunnable>();
        try
        {
            run.Run();
            for (var budget = Budget; budget > 0 && queue.TryDequeue(out var next); budget--)
            {
                next.Run();
            }
        }
        finally
        {
            pending = null;
            while (queue.TryDequeue(out var left))
            {
                ThreadPool.UnsafeQueueUserWorkItem(left, preferLocal: false);
            }
        }
    }
}
