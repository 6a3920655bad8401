using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;
using ActorPool.Calls;

namespace ActorPool.Threads;

/// <summary>
/// The threads a <see cref="ThreadPoolExecutor"/> runs its stoppable calls on (those submitted with a token or a
/// timeout) while the worker thread that took the call watches it. A .NET thread cannot be killed, so a call still
/// running its grace period after it was asked to stop is abandoned: its future settles at once, its worker goes on with
/// the next call (so <see cref="Executor.MaxWorkers"/> calls still run), and the thread it runs on is left to finish
/// alone, its late result discarded, counted in <see cref="Abandoned"/> until it does. Calls without options never come here.
/// </summary>
internal sealed class CallThreads(string prefix, int firstIndex, Action enterThread)
{
    private readonly Action enterThread = enterThread;
    private readonly ConcurrentStack<CallThread> idle = new();
    private readonly ConcurrentBag<CallThread> all = new();
    private int count;
    private int abandoned;
    private volatile bool stopping;

    /// <summary>Abandoned threads still running their call.</summary>
    public int Abandoned => Volatile.Read(ref abandoned);

    /// <summary>
    /// Runs <paramref name="work"/> (which makes itself the current call: see <see cref="CallContext"/>) on a call thread, and
    /// waits until it has ended (true) or has been abandoned (false): asked to stop (its token canceled, or its timeout,
    /// counted from now, run out) and still running its grace period later. The caller settles an abandoned call.
    /// </summary>
    public bool Run(Action work, CallControl control)
    {
        var thread = Rent();
        control.StartClock();
        thread.Start(work);
        if (thread.WaitDone(control.Token) || thread.Done.Wait(control.Grace))
        {
            Return(thread);
            return true;
        }

        Interlocked.Increment(ref abandoned); // before the thread can see it abandoned and count itself out
        if (!thread.TryAbandon())
        {
            Interlocked.Decrement(ref abandoned); // it ended just now after all
            thread.Done.Wait();
            Return(thread);
            return true;
        }

        return false;
    }

    /// <summary>The warning for a call abandoned by <see cref="Run"/>: which method, how long, why.</summary>
    public void LogAbandoned(ILogger log, System.Reflection.MethodBase method, CallControl control) =>
        Logging.ThreadPoolLog.ThreadAbandoned(log, MethodNames.Describe(method), control.Grace, control.StopCause, Abandoned);

    /// <summary>
    /// Ends the call threads as they become idle; with <paramref name="join"/>, waits for the idle ones (the pool has
    /// stopped, so no call runs on one that is not abandoned).
    /// </summary>
    public void Stop(bool join)
    {
        stopping = true;
        foreach (var thread in all)
        {
            thread.Wake();
        }

        while (join && idle.TryPop(out var thread))
        {
            thread.Join();
        }
    }

    private CallThread Rent() =>
        idle.TryPop(out var thread) ? thread : NewThread();

    private CallThread NewThread()
    {
        var thread = new CallThread(this, $"{prefix}_{firstIndex + Interlocked.Increment(ref count) - 1}");
        all.Add(thread);
        return thread;
    }

    private void Return(CallThread thread)
    {
        thread.Done.Reset();
        idle.Push(thread);
        if (stopping)
        {
            thread.Wake();
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A call thread lives as long as the pool; an abandoned one may still use its events.")]
    private sealed class CallThread
    {
        private const int Running = 0;
        private const int Finished = 1;
        private const int Gone = 2;

        private readonly CallThreads owner;
        private readonly SemaphoreSlim go = new(0);
        private readonly Thread thread;
        private Action? work;
        private int state;

        public CallThread(CallThreads owner, string name)
        {
            this.owner = owner;
            thread = new Thread(Loop) { Name = name, IsBackground = true };
            thread.UnsafeStart(); // not with the context of whatever call needed it (see WithoutCallerContext)
        }

        /// <summary>Set when the call it was given has ended.</summary>
        public ManualResetEventSlim Done { get; } = new(false);

        public void Start(Action call)
        {
            work = call;
            state = Running;
            go.Release();
        }

        /// <summary>True once the call has ended; false if <paramref name="token"/> (the call's) was canceled first.</summary>
        public bool WaitDone(CancellationToken token)
        {
            try
            {
                Done.Wait(token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return Done.IsSet;
            }
        }

        /// <summary>Leaves the thread to its call: true unless the call ended just now.</summary>
        public bool TryAbandon() => Interlocked.CompareExchange(ref state, Gone, Running) == Running;

        public void Wake() => go.Release();

        public void Join() => thread.Join();

        private void Loop()
        {
            owner.enterThread();
            while (true)
            {
                go.Wait();
                if (work is not { } call)
                {
                    return; // woken to stop
                }

                call();
                work = null;
                if (Interlocked.CompareExchange(ref state, Finished, Running) != Running)
                {
                    // Abandoned: the call's future was settled without it, and its worker went on. Nothing waits for this thread.
                    Interlocked.Decrement(ref owner.abandoned);
                    return;
                }

                Done.Set();
            }
        }
    }
}
