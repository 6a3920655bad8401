namespace ActorPool.Calls;

/*
 * Bounded submission: room for ExecutorPolicy.MaxQueuedCalls calls, counted exactly as actorpool.calls.queued counts
 * (accepted and not yet started). A submitter takes room before its call is accepted; the call's future gives it back
 * as it leaves the queue (Future.Metering: started, or settled while queued). Only executors with a limit have one of
 * these, so a call on any other pays a null check and nothing else.
 *
 *   Submit ──Take (waits, or throws when full)──► accepted (queued) ──starts, or settles unstarted──► Release
 *     └── Shutdown: Close wakes every waiter, who throws "cannot schedule new futures after shutdown"
 *
 * The count is lock-free; only a submitter that finds the queue full takes the lock, to wait on the current "room
 * freed" signal. A release reads the waiter count after its decrement and a waiter retries after publishing itself, both
 * through full fences, so a release never slips between a waiter's last look and its wait unseen.
 */
internal sealed class QueueLimit(int max, QueueFullMode whenFull)
{
    private readonly object gate = new();
    private int queued;
    private int waiters;
    private TaskCompletionSource? roomFreed; // made by the first waiter; completed, and dropped, by the next release
    private volatile bool closed;

    public int Max { get; } = max;

    public QueueFullMode WhenFull { get; } = whenFull;

    /// <summary>Calls holding room now (a snapshot).</summary>
    public int Queued => Volatile.Read(ref queued);

    /// <summary>Takes room for one call if there is some, without waiting.</summary>
    public bool TryTake()
    {
        var now = Volatile.Read(ref queued);
        while (now < Max)
        {
            var seen = Interlocked.CompareExchange(ref queued, now + 1, now);
            if (seen == now)
            {
                return true;
            }

            now = seen;
        }

        return false;
    }

    /// <summary>
    /// Takes room for one call by <see cref="WhenFull"/>: waits for it (blocking the thread), or throws
    /// <see cref="QueueFullException"/>. False, without room, when <paramref name="cancellationToken"/> is canceled
    /// meanwhile; throws <see cref="InvalidOperationException"/> once the executor is shut down.
    /// </summary>
    public bool Take(CancellationToken cancellationToken)
    {
        if (TryTake())
        {
            return true;
        }

        if (WhenFull == QueueFullMode.Throw)
        {
            throw new QueueFullException(Max);
        }

        while (true)
        {
            var signal = Enter();
            try
            {
                if (TryTake())
                {
                    return true;
                }

                ThrowIfClosed();
                try
                {
                    signal.Wait(cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return false;
                }
            }
            finally
            {
                Leave();
            }
        }
    }

    /// <summary>As <see cref="Take"/>, for an async caller: waits without blocking a thread; cancellation throws.</summary>
    public Task TakeAsync(CancellationToken cancellationToken)
    {
        if (TryTake())
        {
            return Task.CompletedTask;
        }

        return WhenFull == QueueFullMode.Throw
            ? Task.FromException(new QueueFullException(Max))
            : WaitAsync(take: true, cancellationToken);
    }

    /// <summary>
    /// Completes once there is room (taking it with <paramref name="take"/>); throws <see cref="OperationCanceledException"/>
    /// when <paramref name="cancellationToken"/> is canceled first, and <see cref="InvalidOperationException"/> once the executor is shut down.
    /// </summary>
    public async Task WaitAsync(bool take, CancellationToken cancellationToken)
    {
        while (true)
        {
            var signal = Enter();
            try
            {
                if (take ? TryTake() : Volatile.Read(ref queued) < Max)
                {
                    return;
                }

                ThrowIfClosed();
                await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Leave();
            }
        }
    }

    /// <summary>Takes room without looking at the limit, for a call counted as queued that took none (its token was canceled as it was submitted).</summary>
    public void Force() => Interlocked.Increment(ref queued);

    /// <summary>A call left the queue (it started, or settled unstarted), or a submitter gives back room it did not use.</summary>
    public void Release()
    {
        Interlocked.Decrement(ref queued);
        if (Volatile.Read(ref waiters) > 0)
        {
            Signal();
        }
    }

    /// <summary>The executor is shutting down: every waiter wakes and throws, and nobody waits from now on.</summary>
    public void Close()
    {
        closed = true;
        Signal();
    }

    private Task Enter()
    {
        lock (gate)
        {
            Interlocked.Increment(ref waiters); // a full fence before the caller's next look at the count, against Release's
            return (roomFreed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    private void Leave()
    {
        Interlocked.Decrement(ref waiters);
    }

    private void Signal()
    {
        TaskCompletionSource? freed;
        lock (gate)
        {
            freed = roomFreed;
            roomFreed = null;
        }

        freed?.TrySetResult(); // its continuations run on the .NET thread pool: a release may hold a future's lock
    }

    private void ThrowIfClosed()
    {
        if (closed)
        {
            throw new InvalidOperationException(Executor.AfterShutdownMessage);
        }
    }
}
