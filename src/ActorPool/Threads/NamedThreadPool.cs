using System.Collections.Concurrent;
using Akka.Dispatch;

namespace ActorPool.Threads;

/// <summary>
/// The threads behind a <see cref="ThreadPoolExecutor"/>'s dispatcher: exactly N dedicated threads named
/// <c>{prefix}_{i}</c>, each running the initializer once before it takes any work. Akka's dispatcher hands
/// it mailbox runs; blocking user code therefore never occupies Akka's or .NET's shared threads.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The SemaphoreSlim never allocates a wait handle, so it holds nothing to dispose.")]
internal sealed class NamedThreadPool : ExecutorService
{
    [ThreadStatic] private static NamedThreadPool? currentPool;
    [ThreadStatic] private static Exception? currentInitializerError;

    private readonly ConcurrentQueue<Akka.Dispatch.IRunnable> work = new();
    private readonly SemaphoreSlim available = new(0);
    private readonly Thread[] threads;
    private readonly Action? initializer;
    private Action<Exception> onInitializerFailed = static _ => { };
    private volatile bool stopping;
    private int spinners;

    // Past SpinWait's first ten iterations each one yields the core, so this stays cheap on a busy machine.
    private static readonly TimeSpan SpinTime = TimeSpan.FromMicroseconds(50);

    public NamedThreadPool(string id, string prefix, int count, Action? initializer)
        : base(id)
    {
        this.initializer = initializer;
        threads = new Thread[count];
        for (var i = 0; i < count; i++)
        {
            threads[i] = new Thread(Loop) { Name = $"{prefix}_{i}", IsBackground = true };
        }

        // Numbered after the workers' threads; each runs the initializer too, as any thread that runs calls.
        CallThreads = new CallThreads(prefix, count, EnterThread);
    }

    /// <summary>The threads stoppable calls run on while a worker thread watches them.</summary>
    public CallThreads CallThreads { get; }

    /// <summary>True on one of this pool's threads (where waiting for the pool to stop would wait forever).</summary>
    public bool IsCurrentThread => currentPool == this;

    /// <summary>The initializer's exception on this thread, if it failed; such a thread must not run calls.</summary>
    public static Exception? CurrentInitializerError => currentInitializerError;

    /// <summary>Starts the threads; each runs the initializer and reports a failure through <paramref name="initializerFailed"/>.</summary>
    public void Start(Action<Exception> initializerFailed)
    {
        onInitializerFailed = initializerFailed;
        foreach (var thread in threads)
        {
            thread.UnsafeStart(); // not with the context of the code that made the pool (see WithoutCallerContext)
        }
    }

    public override void Execute(Akka.Dispatch.IRunnable run)
    {
        if (stopping)
        {
            throw new RejectedExecutionException($"The threads of {Id} have stopped.");
        }

        work.Enqueue(run);
        // A spinning thread takes the work without being woken; wake a parked one only for work no spinner will take.
        // The queue is read before the spinners: a spinner leaves the count before it takes work or parks (NextWork).
        var queued = work.Count;
        if (queued > Volatile.Read(ref spinners))
        {
            available.Release();
        }
    }

    /// <summary>Called by Akka when the dispatcher has been idle past its shutdown-timeout.</summary>
    public override void Shutdown() => Stop(join: false);

    /// <summary>Lets every thread finish what it runs and exit; with <paramref name="join"/>, waits for them.</summary>
    public void Stop(bool join)
    {
        if (!stopping)
        {
            stopping = true;
            available.Release(threads.Length);
        }

        // A call thread is one of this pool's too: it must not wait for itself.
        CallThreads.Stop(join: join && !IsCurrentThread);
        if (join && !IsCurrentThread)
        {
            foreach (var thread in threads)
            {
                if (thread.IsAlive)
                {
                    thread.Join();
                }
            }
        }
    }

    /// <summary>
    /// The next unit of work, or null once the pool stops. One thread at a time first spins (yielding its core) for a
    /// few microseconds: a worker that just finished a call usually gets the next one in that window, which saves
    /// waking a parked thread, and Execute wakes none while this spinner can take the work. A thread leaves the
    /// spinners' count before it takes work or parks, and looks at the queue again after leaving it, so no work
    /// is left waiting while a thread sleeps.
    /// </summary>
    private Akka.Dispatch.IRunnable? NextWork()
    {
        while (true)
        {
            if (work.TryDequeue(out var run))
            {
                return run;
            }

            if (stopping)
            {
                return null;
            }

            if (Interlocked.Increment(ref spinners) == 1)
            {
                var spin = new SpinWait();
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                while (work.IsEmpty && !stopping && System.Diagnostics.Stopwatch.GetElapsedTime(start) < SpinTime)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }
            }

            Interlocked.Decrement(ref spinners);
            if (work.IsEmpty && !stopping)
            {
                available.Wait(); // a permit may be stale (its work taken by a spinner): then this just looks again
            }
        }
    }

    private void Loop()
    {
        EnterThread();
        while (NextWork() is { } run)
        {
            run.Run();
        }
    }

    /// <summary>Makes the current thread one of this pool's, and runs the initializer on it.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "An initializer may throw anything; it breaks the pool, not the thread.")]
    private void EnterThread()
    {
        currentPool = this;
        if (initializer is not null)
        {
            try
            {
                initializer();
            }
            catch (Exception e)
            {
                // The thread stays to serve Akka (workers must still be able to stop), but runs no call.
                currentInitializerError = e;
                onInitializerFailed(e);
            }
        }
    }
}
