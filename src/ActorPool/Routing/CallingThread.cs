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

    [ThreadStatic] private static bool running;
    [ThreadStatic] private static Queue<IRunnable>? pending; // kept for the thread's next turns: no allocation per turn

    /// <summary>Runs <paramref name="run"/> now, or, inside another turn on this thread, right after it.</summary>
    public static void Run(IRunnable run)
    {
        if (running)
        {
            (pending ??= new Queue<IRunnable>()).Enqueue(run);
            return;
        }

        running = true;
        try
        {
            run.Run();
            for (var budget = Budget; budget > 0 && pending is { } queue && queue.TryDequeue(out var next); budget--)
            {
                next.Run();
            }
        }
        finally
        {
            running = false;
            while (pending is { } queue && queue.TryDequeue(out var left))
            {
                ThreadPool.UnsafeQueueUserWorkItem(left, preferLocal: false);
            }
        }
    }
}
