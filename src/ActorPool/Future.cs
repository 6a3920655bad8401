using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using ActorPool.Calls;
using ActorPool.Logging;
using ActorPool.Waiting;

namespace ActorPool;

/// <summary>
/// The eventual outcome of a call: pending, then running, then finished (with a result or an
/// exception), or canceled while still pending. Thread-safe; never blocks unless asked to wait.
/// </summary>
/// <remarks>
/// Python's <c>concurrent.futures.Future</c>, with its five states: pending, running, canceled,
/// canceled-and-notified and finished. This non-generic view lets futures of different result
/// types be passed to <see cref="Wait"/> and <see cref="AsCompleted(IEnumerable{Future}, TimeSpan?)"/>
/// together. Executors create <see cref="Future{T}"/>; tests and custom executors may too.
/// </remarks>
public abstract partial class Future
{
    private protected enum FutureState : byte { Pending, Running, Canceled, CanceledAndNotified, Finished }

    // One lock per future guards every field below, as Python's per-future Condition does. An executor's future locks its
    // call's own (internal) object, which is also its start gate: that saves a lock object per call, and a field. A future
    // made by user code gets a lock of its own, and has no gate.
    private protected readonly object Gate;
    // Volatile for the lock-free reads of a final future (WaitUntilDone, Result): once final, nothing changes but
    // Canceled turning CanceledAndNotified, and every field is written before the state that makes it final.
    private protected volatile FutureState state;
    private readonly bool gated; // Gate is the IStartGate (a byte beside the state, where a reference would add eight)
    private protected Exception? error;
    private List<Action<Future>>? callbacks;
    private List<Waiter>? waiters;
    private ManualResetEventSlim? doneEvent; // made only when somebody blocks on Result/Exception

    // Past SpinWait's first ten iterations each one yields the core, so waiters do not starve the workers.
    private static readonly TimeSpan WaitSpinTime = TimeSpan.FromMicroseconds(50);

    /// <param name="gate">
    /// The executor's start gate for the call (see <see cref="IStartGate"/>), an internal object nobody else locks for anything
    /// else, which the future locks too; or null for a future made by user code, which gets a lock of its own.
    /// </param>
    private protected Future(IStartGate? gate)
    {
        Gate = gate ?? new object();
        gated = gate is not null;
    }

    /// <summary>The executor's start gate for the call, if it has one (<see cref="IStartGate"/>).</summary>
    private IStartGate? startGate => gated ? Unsafe.As<IStartGate>(Gate) : null;

    /// <summary>True once the call finished, failed or was canceled. Never blocks.</summary>
    /// <remarks>Python's <c>Future.done()</c>.</remarks>
    public bool IsDone
    {
        get
        {
            lock (Gate)
            {
                return state is FutureState.Canceled or FutureState.CanceledAndNotified or FutureState.Finished;
            }
        }
    }

    /// <summary>True while a worker runs the call (or holds it, past the point where it could be canceled).</summary>
    /// <remarks>Python's <c>Future.running()</c>.</remarks>
    public bool IsRunning
    {
        get
        {
            lock (Gate)
            {
                return state == FutureState.Running || (state == FutureState.Pending && startGate?.HasStarted == true);
            }
        }
    }

    /// <summary>True if the future was canceled before it ran.</summary>
    /// <remarks>Python's <c>Future.cancelled()</c>.</remarks>
    public bool IsCanceled
    {
        get
        {
            lock (Gate)
            {
                return state is FutureState.Canceled or FutureState.CanceledAndNotified;
            }
        }
    }

    /// <summary>A task that completes with the future: faulted with the call's exception, or canceled.</summary>
    /// <remarks>Continuations on it run asynchronously, never inside the code that settles the future.</remarks>
    public Task Task => UntypedTask;

    private protected abstract Task UntypedTask { get; }

    /// <summary>
    /// Cancels the call if it has not started. Returns true if the future is now canceled (or already was),
    /// false if the call is running or finished.
    /// </summary>
    /// <remarks>Python's <c>Future.cancel()</c>: callbacks run at once, on the canceling thread.</remarks>
    public bool Cancel() => Cancel(deferCallbacks: false);

    /// <summary>Cancels, with callbacks run on the .NET thread pool when the caller must not run user code (the router).</summary>
    internal bool Cancel(bool deferCallbacks)
    {
        Completion completion;
        lock (Gate)
        {
            if (state is FutureState.Running or FutureState.Finished)
            {
                return false;
            }

            if (state is FutureState.Canceled or FutureState.CanceledAndNotified)
            {
                return true;
            }

            if (IsSettlingLocked)
            {
                return false; // its call has ended, and the future settles once its last progress value is delivered
            }

            if (startGate is not null && !startGate.TryPreventStart())
            {
                return false; // its worker has started it
            }

            state = FutureState.Canceled;
            MeterSettledLocked(wasRunning: false);
            completion = TakeCompletion();
        }

        Complete(completion, deferCallbacks);
        return true;
    }

    /// <summary>
    /// Cancels a call that was stopped (its token canceled) while pending or running, as its executor settles it:
    /// unlike <see cref="Cancel()"/>, also a running one, and its waiters are notified at once. False if already settled.
    /// </summary>
    internal bool TryCancelStopped(bool deferCallbacks = false) => TryEnd(FutureState.CanceledAndNotified, null, deferCallbacks);

    /// <summary>
    /// The call's result: waits up to <paramref name="timeout"/> (null waits forever, zero not at all).
    /// Throws the call's own exception, <see cref="OperationCanceledException"/> if canceled, or
    /// <see cref="TimeoutException"/> if the wait runs out.
    /// </summary>
    /// <remarks>Python's <c>Future.result(timeout)</c>.</remarks>
    public object? Result(TimeSpan? timeout = null) => UntypedResult(timeout, CancellationToken.None);

    /// <summary>
    /// As <see cref="Result(TimeSpan?)"/>, and stops waiting with an <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> is canceled. The call goes on: stop it with <see cref="CallOptions.CancellationToken"/>.
    /// </summary>
    public object? Result(TimeSpan? timeout, CancellationToken cancellationToken) => UntypedResult(timeout, cancellationToken);

    private protected abstract object? UntypedResult(TimeSpan? timeout, CancellationToken cancellationToken);

    /// <summary>
    /// The call's exception, or null if it succeeded. Waits like <see cref="Result(TimeSpan?)"/>;
    /// throws <see cref="OperationCanceledException"/> if canceled.
    /// </summary>
    /// <remarks>Python's <c>Future.exception(timeout)</c>.</remarks>
    public Exception? Exception(TimeSpan? timeout = null) => Exception(timeout, CancellationToken.None);

    /// <summary>
    /// As <see cref="Exception(TimeSpan?)"/>, and stops waiting with an <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> is canceled. The call goes on.
    /// </summary>
    public Exception? Exception(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        WaitUntilDone(timeout, cancellationToken);
        return state == FutureState.Finished ? error : throw CanceledError(); // final: read without the lock
    }

    /// <summary>
    /// Adds a callback that receives this future once it is done. Added before completion, it runs after
    /// the future completes or is canceled; added after, it runs at once on the calling thread. Callbacks
    /// run once each, in the order added; one that throws is logged and the others still run.
    /// </summary>
    /// <remarks>Python's <c>Future.add_done_callback(fn)</c>. Failures are written to <see cref="Trace"/>.</remarks>
    public void AddDoneCallback(Action<Future> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (Gate)
        {
            if (state is FutureState.Pending or FutureState.Running)
            {
                (callbacks ??= new List<Action<Future>>(1)).Add(callback);
                return;
            }
        }

        RunCallback(callback);
    }

    /// <summary>
    /// Marks a pending future running and returns true; for a canceled one, notifies its waiters and returns
    /// false (the caller must then drop the call). Throws <see cref="InvalidOperationException"/> if the future
    /// is already running or finished.
    /// </summary>
    /// <remarks>Python's <c>Future.set_running_or_notify_cancel()</c>, for executor implementations and tests.</remarks>
    public bool SetRunningOrNotifyCancel() =>
        TryMarkRunning() ?? throw new InvalidOperationException($"Future in unexpected state: {this}");

    /// <summary>
    /// The executor-side form of <see cref="SetRunningOrNotifyCancel"/>: true if now running, false if canceled
    /// (waiters notified), null if someone already settled it (a user may call <see cref="SetException"/> on any future).
    /// </summary>
    internal bool? TryMarkRunning()
    {
        lock (Gate)
        {
            switch (state)
            {
                case FutureState.Pending when IsSettlingLocked:
                    return null; // settled already, waiting only for its last progress value to be delivered
                case FutureState.Pending:
                    state = FutureState.Running;
                    MeterStartedLocked();
                    startGate?.Running();
                    return true;
                case FutureState.Canceled:
                    state = FutureState.CanceledAndNotified;
                    NotifyWaiters();
                    return false;
                default:
                    return null;
            }
        }
    }

    /// <summary>
    /// Finishes the future with <paramref name="exception"/>. Throws <see cref="InvalidOperationException"/>
    /// if the future is already finished or canceled.
    /// </summary>
    /// <remarks>Python's <c>Future.set_exception(exception)</c>, for executor implementations and tests.</remarks>
    public void SetException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (!TrySetException(exception))
        {
            throw InvalidState();
        }
    }

    /// <summary>Fails the future unless it is already finished or canceled; the executor-side form of <see cref="SetException"/>.</summary>
    internal bool TrySetException(Exception error) => TrySetException(error, deferCallbacks: false);

    /// <summary>As <see cref="TrySetException(Exception)"/>; with <paramref name="deferCallbacks"/>, callbacks run on the .NET thread pool.</summary>
    internal bool TrySetException(Exception error, bool deferCallbacks) => TryEnd(FutureState.Finished, error, deferCallbacks);

    /// <summary>Fails the future with the error of a call its <see cref="CallOptions.Timeout"/> stopped (counted as a timeout, not a failure).</summary>
    internal bool TryTimeOut(TimeoutException error, bool deferCallbacks) => TryEnd(FutureState.Finished, error, deferCallbacks, timedOut: true);

    /// <summary>
    /// Ends a pending or running future without a result: failed with <paramref name="failure"/>, or canceled and notified.
    /// A worker holding the call unstarted must not start it now. False if the future was already final.
    /// </summary>
    private bool TryEnd(FutureState final, Exception? failure, bool deferCallbacks, bool timedOut = false)
    {
        Completion completion;
        lock (Gate)
        {
            if (state is not (FutureState.Pending or FutureState.Running) || IsSettlingLocked)
            {
                return false;
            }

            startGate?.Failed();
            error = failure;
            if (DeferSettleLocked(final, timedOut))
            {
                return true; // final once its last progress value is delivered
            }

            var wasRunning = state == FutureState.Running;
            state = final;
            MeterSettledLocked(wasRunning, timedOut);
            NotifyWaiters();
            completion = TakeCompletion();
        }

        Complete(completion, deferCallbacks);
        return true;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        lock (Gate)
        {
            var type = GetType().IsGenericType ? $"Future<{GetType().GenericTypeArguments[0].Name}>" : "Future";
            return state switch
            {
                FutureState.Pending => $"{type}(state=pending)",
                FutureState.Running => $"{type}(state=running)",
                FutureState.Canceled or FutureState.CanceledAndNotified => $"{type}(state=canceled)",
                _ when error is not null => $"{type}(state=finished raised {error.GetType().Name})",
                _ => $"{type}(state=finished returned {ResultTypeName()})",
            };
        }
    }

    private protected abstract string ResultTypeName();

    /// <summary>Settles the lazily created task, if any, to match the final state.</summary>
    private protected abstract void CompleteTask();

    /// <summary>Blocks until done or the timeout runs out; throws <see cref="TimeoutException"/> in the latter case.</summary>
    private protected void WaitUntilDone(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (IsFinal)
        {
            return;
        }

        // A short call often finishes within microseconds: spin (yielding the core) before parking the thread.
        if (timeout != TimeSpan.Zero)
        {
            var spin = new SpinWait();
            var start = Stopwatch.GetTimestamp();
            while (!IsFinal && Stopwatch.GetElapsedTime(start) < WaitSpinTime)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }

        ManualResetEventSlim done;
        lock (Gate)
        {
            if (state is FutureState.Canceled or FutureState.CanceledAndNotified or FutureState.Finished)
            {
                return;
            }

            done = doneEvent ??= new ManualResetEventSlim(false);
        }

        var deadline = Deadline.After(timeout);
        while (!done.Wait(deadline.Remaining, cancellationToken))
        {
            if (deadline.HasExpired)
            {
                throw new TimeoutException($"The future did not complete within {timeout}.");
            }
        }
    }

    private bool IsFinal => state is FutureState.Canceled or FutureState.CanceledAndNotified or FutureState.Finished;

    /// <summary>What is left to do once a future is final: wake blocked readers, settle the task, run callbacks.</summary>
    private protected readonly record struct Completion(ManualResetEventSlim? Blocked, List<Action<Future>>? Callbacks);

    /// <summary>The caller holds <see cref="Gate"/> and has just made the future final.</summary>
    private protected Completion TakeCompletion()
    {
        Debug.Assert(Monitor.IsEntered(Gate), "caller holds the future's lock");
        var completion = new Completion(doneEvent, callbacks);
        callbacks = null;
        return completion;
    }

    /// <summary>
    /// Runs outside the lock, so a woken reader does not at once block on the lock its waker still holds. Callbacks go
    /// to the .NET thread pool when asked, and on a thread that must not run user code (<see cref="CallbackThreads"/>).
    /// </summary>
    private protected void Complete(Completion completion, bool deferCallbacks = false)
    {
        startGate?.Settled();
        completion.Blocked?.Set();
        CompleteTask();
        if ((deferCallbacks || CallbackThreads.MustNotRunCallbacks) && completion.Callbacks is { } callbacks)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.future.RunCallbacks(state.callbacks), (future: this, callbacks), preferLocal: false);
        }
        else
        {
            RunCallbacks(completion.Callbacks);
        }
    }

    /// <summary>Tells installed waiters (of Wait/AsCompleted) that this future now counts as done. Caller holds <see cref="Gate"/>.</summary>
    private protected void NotifyWaiters()
    {
        Debug.Assert(Monitor.IsEntered(Gate), "caller holds the future's lock");
        if (waiters is null)
        {
            return;
        }

        foreach (var waiter in waiters)
        {
            waiter.Add(this, error is not null);
        }
    }

    /// <summary>
    /// Installs <paramref name="waiter"/> atomically: a future already finished (or canceled and notified)
    /// is reported to it at once; any other is reported when it gets there.
    /// </summary>
    internal void Install(Waiter waiter)
    {
        lock (Gate)
        {
            if (state is FutureState.Finished or FutureState.CanceledAndNotified)
            {
                waiter.Add(this, error is not null);
                return;
            }

            (waiters ??= new List<Waiter>(1)).Add(waiter);
        }
    }

    internal void Uninstall(Waiter waiter)
    {
        lock (Gate)
        {
            waiters?.Remove(waiter);
        }
    }

    private protected Exception InvalidState()
    {
        lock (Gate)
        {
            var name = state switch
            {
                FutureState.Canceled => "CANCELED",
                FutureState.CanceledAndNotified => "CANCELED_AND_NOTIFIED",
                FutureState.Finished => "FINISHED",
                _ => state.ToString().ToUpperInvariant(),
            };
            return new InvalidOperationException($"{name}: {this}");
        }
    }

    private protected static OperationCanceledException CanceledError() => new("The future was canceled.");

    private protected static void Rethrow(Exception error) => ExceptionDispatchInfo.Capture(error).Throw();

    private void RunCallbacks(List<Action<Future>>? toRun)
    {
        if (toRun is null)
        {
            return;
        }

        foreach (var callback in toRun)
        {
            RunCallback(callback);
        }
    }

    // Python logs a failing callback and goes on with the next one; so do we, at Error, through the executor's logger.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "A user callback may throw anything; it must not stop the others.")]
    private void RunCallback(Action<Future> callback)
    {
        try
        {
            callback(this);
        }
        catch (Exception e)
        {
            ExecutorLog.CallbackFailed(CallbackLog, e, this);
        }
    }
}
