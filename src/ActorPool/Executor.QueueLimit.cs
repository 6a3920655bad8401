using System.Diagnostics.CodeAnalysis;
using ActorPool.Calls;

namespace ActorPool;

// Bounded submission (ExecutorPolicy.MaxQueuedCalls) for callers that must not block: TrySubmit, which submits only if
// there is room, and WaitForRoomAsync, which awaits room without taking it. Submit itself waits or throws by
// ExecutorPolicy.WhenFull. Why this shape rather than 32 async and 32 try overloads: docs/policies.md#bounded-submission.
public abstract partial class Executor
{
    /// <summary>
    /// Completes once the executor's queue has room for a call (at once without <see cref="ExecutorPolicy.MaxQueuedCalls"/>),
    /// without taking it: another submitter may take it first, so loop with <c>TrySubmit</c> where several submit.
    /// Canceling <paramref name="cancellationToken"/> cancels the task; <c>Shutdown</c> faults it with <see cref="InvalidOperationException"/>.
    /// </summary>
    /// <remarks>Beyond Python: as <c>ChannelWriter.WaitToWriteAsync</c>.</remarks>
    public Task WaitForRoomAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref shutdown))
        {
            return Task.FromException(new InvalidOperationException(AfterShutdownMessage));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        return queueLimit?.WaitAsync(take: false, cancellationToken) ?? Task.CompletedTask;
    }

    /// <summary>
    /// Submits <paramref name="fn"/>() if the executor's queue has room (always, without <see cref="ExecutorPolicy.MaxQueuedCalls"/>),
    /// and returns true with its <paramref name="future"/>; returns false, submitting nothing, when the queue is full.
    /// Throws as <c>Submit</c> does for bad input, after <c>Shutdown</c>, or on a broken pool.
    /// </summary>
    /// <remarks>Beyond Python: as <c>ChannelWriter.TryWrite</c>.</remarks>
    public bool TrySubmit<TResult>(Func<TResult> fn, [NotNullWhen(true)] out Future<TResult>? future, CallOptions? options = null)
    {
        future = TryTakeRoom(fn, options) ? Submit(new Call<TResult>(fn), options, TakenRoom) : null;
        return future is not null;
    }

    /// <summary>Submits <paramref name="fn"/>(<paramref name="arg1"/>) if the queue has room; false, submitting nothing, when it is full.</summary>
    /// <inheritdoc cref="TrySubmit{TResult}(Func{TResult}, out Future{TResult}, CallOptions?)"/>
    public bool TrySubmit<T1, TResult>(Func<T1, TResult> fn, T1 arg1, [NotNullWhen(true)] out Future<TResult>? future, CallOptions? options = null)
    {
        future = TryTakeRoom(fn, options) ? Submit(new Call<T1, TResult>(fn, arg1), options, TakenRoom) : null;
        return future is not null;
    }

    /// <summary>Submits <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>) if the queue has room; false, submitting nothing, when it is full.</summary>
    /// <inheritdoc cref="TrySubmit{TResult}(Func{TResult}, out Future{TResult}, CallOptions?)"/>
    public bool TrySubmit<T1, T2, TResult>(Func<T1, T2, TResult> fn, T1 arg1, T2 arg2, [NotNullWhen(true)] out Future<TResult>? future, CallOptions? options = null)
    {
        future = TryTakeRoom(fn, options) ? Submit(new Call<T1, T2, TResult>(fn, arg1, arg2), options, TakenRoom) : null;
        return future is not null;
    }

    /// <summary>Submits <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>, <paramref name="arg3"/>) if the queue has room; false, submitting nothing, when it is full.</summary>
    /// <inheritdoc cref="TrySubmit{TResult}(Func{TResult}, out Future{TResult}, CallOptions?)"/>
    public bool TrySubmit<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> fn, T1 arg1, T2 arg2, T3 arg3, [NotNullWhen(true)] out Future<TResult>? future, CallOptions? options = null)
    {
        future = TryTakeRoom(fn, options) ? Submit(new Call<T1, T2, T3, TResult>(fn, arg1, arg2, arg3), options, TakenRoom) : null;
        return future is not null;
    }

    /// <summary>Submits <paramref name="fn"/>() if the queue has room (the future's result is null); false, submitting nothing, when it is full.</summary>
    /// <inheritdoc cref="TrySubmit{TResult}(Func{TResult}, out Future{TResult}, CallOptions?)"/>
    public bool TrySubmit(Action fn, [NotNullWhen(true)] out Future<object?>? future, CallOptions? options = null)
    {
        future = TryTakeRoom(fn, options) ? Submit(new ActionCall(fn), options, TakenRoom) : null;
        return future is not null;
    }

    /// <summary>Submits <paramref name="fn"/>(<paramref name="arg1"/>) if the queue has room (the future's result is null); false, submitting nothing, when it is full.</summary>
    /// <inheritdoc cref="TrySubmit{TResult}(Func{TResult}, out Future{TResult}, CallOptions?)"/>
    public bool TrySubmit<T1>(Action<T1> fn, T1 arg1, [NotNullWhen(true)] out Future<object?>? future, CallOptions? options = null)
    {
        future = TryTakeRoom(fn, options) ? Submit(new ActionCall<T1>(fn, arg1), options, TakenRoom) : null;
        return future is not null;
    }

    /// <summary>Submits <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>) if the queue has room (the future's result is null); false, submitting nothing, when it is full.</summary>
    /// <inheritdoc cref="TrySubmit{TResult}(Func{TResult}, out Future{TResult}, CallOptions?)"/>
    public bool TrySubmit<T1, T2>(Action<T1, T2> fn, T1 arg1, T2 arg2, [NotNullWhen(true)] out Future<object?>? future, CallOptions? options = null)
    {
        future = TryTakeRoom(fn, options) ? Submit(ActionCallOf(fn, arg1, arg2), options, TakenRoom) : null;
        return future is not null;
    }

    /// <summary>Submits <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>, <paramref name="arg3"/>) if the queue has room (the future's result is null); false, submitting nothing, when it is full.</summary>
    /// <inheritdoc cref="TrySubmit{TResult}(Func{TResult}, out Future{TResult}, CallOptions?)"/>
    public bool TrySubmit<T1, T2, T3>(Action<T1, T2, T3> fn, T1 arg1, T2 arg2, T3 arg3, [NotNullWhen(true)] out Future<object?>? future, CallOptions? options = null)
    {
        future = TryTakeRoom(fn, options) ? Submit(ActionCallOf(fn, arg1, arg2, arg3), options, TakenRoom) : null;
        return future is not null;
    }

    /// <summary>How a submit whose room <see cref="TryTakeRoom"/> took tells <c>Enqueue</c> so.</summary>
    private Room TakenRoom => queueLimit is null ? Room.Wait : Room.Taken;

    /// <summary>Checks the arguments as <c>Submit</c> would, then takes room for one call if the queue has some (always, without a limit).</summary>
    private bool TryTakeRoom(Delegate fn, CallOptions? options)
    {
        ArgumentNullException.ThrowIfNull(fn);
        options?.Validate();
        if (Volatile.Read(ref shutdown))
        {
            throw new InvalidOperationException(AfterShutdownMessage); // not "full": as Submit, which refuses it anyway
        }

        return queueLimit?.TryTake() ?? true;
    }

    /// <summary>Takes room for one of MapAsync's calls, awaiting it (or throwing when full, by the policy); nothing to take without a limit.</summary>
    private Task TakeRoomAsync(CancellationToken cancellationToken) =>
        queueLimit?.TakeAsync(cancellationToken) ?? Task.CompletedTask;
}
