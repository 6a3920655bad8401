using System.Runtime.CompilerServices;

namespace ActorPool;

/// <summary>A <see cref="Future"/> whose call returns a <typeparamref name="T"/>; <c>await</c>-able.</summary>
/// <typeparam name="T">The type of the call's result.</typeparam>
/// <remarks>Python's <c>concurrent.futures.Future</c>, typed.</remarks>
public sealed class Future<T> : Future
{
    private T result = default!;
    private TaskCompletionSource<T>? completion; // made on first use of Task or await

    /// <summary>Creates a pending future, for custom executors and tests.</summary>
    public Future()
        : base(null)
    {
    }

    /// <summary>An executor's future, whose call starts through <paramref name="gate"/> (which it locks too, and nothing else locks).</summary>
    internal Future(IStartGate gate)
        : base(gate)
    {
    }

    /// <summary>A task that completes with the future; <c>await</c> it to get the result or the call's exception.</summary>
    /// <remarks>Continuations run asynchronously. Canceling the future cancels the task.</remarks>
    public new Task<T> Task
    {
        get
        {
            TaskCompletionSource<T> source;
            lock (Gate)
            {
                if (completion is not null)
                {
                    return completion.Task;
                }

                source = completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            CompleteTask();
            return source.Task;
        }
    }

    private protected override Task UntypedTask => Task;

    /// <summary>
    /// The call's result: waits up to <paramref name="timeout"/> (null waits forever, zero not at all).
    /// Throws the call's own exception (not wrapped), <see cref="OperationCanceledException"/> if canceled,
    /// or <see cref="TimeoutException"/> if the wait runs out.
    /// </summary>
    /// <remarks>Python's <c>Future.result(timeout)</c>.</remarks>
    public new T Result(TimeSpan? timeout = null) => Result(timeout, CancellationToken.None);

    /// <summary>
    /// As <see cref="Result(TimeSpan?)"/>, and stops waiting with an <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> is canceled. The call goes on: stop it with <see cref="CallOptions.CancellationToken"/>.
    /// </summary>
    public new T Result(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        WaitUntilDone(timeout, cancellationToken);
        // Final now, so nothing here changes any more: read without the lock (state is volatile, and written last).
        if (state != FutureState.Finished)
        {
            throw CanceledError();
        }

        if (error is null)
        {
            return result;
        }

        Rethrow(error);
        return default!; // unreachable: Rethrow always throws
    }

    private protected override object? UntypedResult(TimeSpan? timeout, CancellationToken cancellationToken) => Result(timeout, cancellationToken);

    /// <summary>Adds a typed callback; see <see cref="Future.AddDoneCallback(Action{Future})"/>.</summary>
    /// <remarks>Python's <c>Future.add_done_callback(fn)</c>.</remarks>
    public void AddDoneCallback(Action<Future<T>> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        base.AddDoneCallback(future => callback((Future<T>)future)); // base: the typed overload would bind to itself
    }

    /// <summary>
    /// Adds a callback for the progress values the call reports with <see cref="CallContext.ReportProgress{T}(T)"/>. Values
    /// come in the order reported, each read as <typeparamref name="TProgress"/>; under load intermediate values may be
    /// skipped (the latest wins), but the call's last value is given to every callback added before it was reported, before
    /// the future is done (before <see cref="Future.IsDone"/> is true, its done callbacks run, and its waiters wake).
    /// </summary>
    /// <remarks>
    /// <para>
    /// A callback added after values were reported gets the latest one first, then those reported later (after the future
    /// is done, the last one only). Callbacks run on the .NET thread pool, never on a worker's thread or an actor's, and
    /// one at a time for each future: a slow callback holds up this future's later values and its completion, not the call.
    /// A callback must not wait for its own future, which waits for it.
    /// </para>
    /// <para>
    /// A callback that throws is logged (as a failing done callback is) and still gets the later values. A value that
    /// cannot be read as <typeparamref name="TProgress"/> (in this process: one that is not a <typeparamref name="TProgress"/>;
    /// from a worker process or a cluster node: one whose serialized form does not deserialize as
    /// <typeparamref name="TProgress"/>) is logged and skipped for that callback only. Remote values are deserialized
    /// lazily, once per value and callback type, and only values that are delivered. Beyond Python.
    /// </para>
    /// </remarks>
    /// <typeparam name="TProgress">The type the values are read as.</typeparam>
    public void AddProgressCallback<TProgress>(Action<TProgress> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        AddProgressCallback(new ProgressCallback<TProgress>(callback));
    }

    /// <summary>Lets <c>await future</c> return the result or throw the call's exception.</summary>
    public TaskAwaiter<T> GetAwaiter() => Task.GetAwaiter();

    /// <summary>
    /// Finishes the future with <paramref name="value"/>. Throws <see cref="InvalidOperationException"/>
    /// if the future is already finished or canceled.
    /// </summary>
    /// <remarks>Python's <c>Future.set_result(result)</c>, for executor implementations and tests.</remarks>
    public void SetResult(T value)
    {
        if (!TrySetResult(value))
        {
            throw InvalidState();
        }
    }

    /// <summary>Finishes the future unless it is already finished or canceled; the executor-side form of <see cref="SetResult"/>.</summary>
    internal bool TrySetResult(T value)
    {
        Completion completion;
        lock (Gate)
        {
            if (state is not (FutureState.Pending or FutureState.Running) || IsSettlingLocked)
            {
                return false;
            }

            result = value;
            if (DeferSettleLocked(FutureState.Finished, timedOut: false))
            {
                return true; // final once its last progress value is delivered
            }

            var wasRunning = state == FutureState.Running;
            state = FutureState.Finished;
            MeterSettledLocked(wasRunning);
            NotifyWaiters();
            completion = TakeCompletion();
        }

        Complete(completion);
        return true;
    }

    private protected override string ResultTypeName() => result?.GetType().Name ?? "null";

    private protected override void CompleteTask()
    {
        // Called once the future is final, so its state, result and error are fixed; a task made after this read
        // completes itself (see Task), and completing one twice is harmless.
        var source = Volatile.Read(ref completion);
        switch (state)
        {
            case FutureState.Canceled or FutureState.CanceledAndNotified:
                source?.TrySetCanceled();
                break;
            case FutureState.Finished when error is not null:
                source?.TrySetException(error);
                break;
            case FutureState.Finished:
                source?.TrySetResult(result);
                break;
        }
    }
}
