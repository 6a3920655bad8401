using ActorPool.Logging;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using ActorPool.Calls;
using ActorPool.Wire;

namespace ActorPool;

/*
 * Progress from inside a call (CallContext.ReportProgress) to the callbacks its submitter added.
 *
 *   the call ──ReportProgress──► latest value (one slot: a newer value replaces one not yet delivered)
 *                                   │ first value with callbacks waiting: one drain queued on the .NET thread pool
 *                                   ▼
 *   drain: takes the latest value, gives it to each callback that has not had it, one callback at a time; repeats
 *          until no callback lacks the latest value; then, if the call has ended meanwhile, settles the future.
 *
 * The future settles after its call's last value was delivered: a settle that finds a drain running or queued is
 * decided at once (no other outcome can win from then on, and later values are dropped) but made final by the drain,
 * once every callback has had the last value. A future whose call reported nothing, or that has no progress callback,
 * settles as before. Everything here is guarded by the future's lock; callbacks run outside it.
 */
public abstract partial class Future
{
    // Its ProgressState lives in Extras (Future.Metering.cs): made by the first value or progress callback, null for most futures.
    private ProgressState? Progress
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] // checked by every settle: a null check for a call without progress
        get => extras?.Progress;
    }

    /// <summary>
    /// A value the call reported, as reported (this process) or as a <see cref="SerializedProgress"/> (another one). Kept as
    /// the latest; the callbacks get it from a drain. Dropped once the future is settled, or decided while a drain runs.
    /// </summary>
    internal void ReportProgress(object? value)
    {
        lock (Gate)
        {
            if (state is not (FutureState.Pending or FutureState.Running))
            {
                return;
            }

            var slot = (extras ??= new Extras()).Progress ??= new ProgressState();
            if (slot.Decided is not null)
            {
                return;
            }

            slot.Latest = value;
            slot.Reported++;
            if (slot.Draining || slot.Callbacks.Length == 0)
            {
                return; // the drain running will take it; with no callback it waits for one
            }

            slot.Draining = true;
        }

        QueueDrain();
    }

    /// <summary>Adds a callback for this future's progress values; see <see cref="Future{T}.AddProgressCallback{TProgress}"/>.</summary>
    private protected void AddProgressCallback(ProgressCallback callback)
    {
        lock (Gate)
        {
            var slot = (extras ??= new Extras()).Progress ??= new ProgressState();
            slot.Callbacks = [.. slot.Callbacks, callback]; // copied on write, so a drain reads its snapshot without the lock
            if (slot.Reported == 0 || slot.Draining)
            {
                return; // nothing to deliver yet, or the drain running will deliver the latest value to it too
            }

            slot.Draining = true;
        }

        QueueDrain();
    }

    /// <summary>
    /// For a settle about to make the future <paramref name="final"/>: true if a drain is running or queued, which then makes it
    /// final once every callback has had the last value; the caller must leave the future as it is. The caller holds
    /// <see cref="Gate"/>, has checked the future is pending or running, and has stored its result or error.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected bool DeferSettleLocked(FutureState final, bool timedOut) =>
        Progress is { Draining: true } slot && DeferSettleLocked(slot, final, timedOut);

    private bool DeferSettleLocked(ProgressState slot, FutureState final, bool timedOut)
    {
        Debug.Assert(Monitor.IsEntered(Gate), "caller holds the future's lock");
        slot.Decided = final;
        slot.DecidedTimedOut = timedOut;
        owner?.Settling.Add(); // its executor's Shutdown waits for it
        return true;
    }

    /// <summary>True once a settle has been decided but waits for the last progress value to be delivered. Caller holds <see cref="Gate"/>.</summary>
    private protected bool IsSettlingLocked
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Progress?.Decided is not null;
    }

    // Unsafe: the drain must not run in the reporting call's execution context (a callback that reports progress itself
    // would report it to that call).
    private void QueueDrain() => ThreadPool.UnsafeQueueUserWorkItem(static future => future.DrainProgress(), this, preferLocal: false);

    private void DrainProgress()
    {
        Completion completion;
        while (true)
        {
            object? value;
            long number;
            ProgressCallback[] targets;
            lock (Gate)
            {
                var slot = Progress!;
                (value, number, targets) = (slot.Latest, slot.Reported, slot.Callbacks);
                if (AllHave(targets, number))
                {
                    slot.Draining = false;
                    if (slot.Decided is not { } final)
                    {
                        return;
                    }

                    slot.Decided = null;
                    var wasRunning = state == FutureState.Running;
                    state = final;
                    MeterSettledLocked(wasRunning, slot.DecidedTimedOut);
                    NotifyWaiters();
                    completion = TakeCompletion();
                    break;
                }

                foreach (var callback in targets)
                {
                    callback.Pending = callback.Delivered != number;
                    callback.Delivered = number;
                }
            }

            foreach (var callback in targets)
            {
                if (callback.Pending)
                {
                    callback.Deliver(value, this);
                }
            }
        }

        Complete(completion); // on this thread-pool thread: done callbacks may run here
        owner?.Settling.Remove();
    }

    private static bool AllHave(ProgressCallback[] callbacks, long number)
    {
        foreach (var callback in callbacks)
        {
            if (callback.Delivered != number)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A progress callback, and how far it has got (read and written by the drain, under the lock).</summary>
    private protected abstract class ProgressCallback
    {
        /// <summary>The number of the last value it was given (values are numbered from 1 as reported).</summary>
        public long Delivered;

        /// <summary>For the drain: it is to be given the value taken now.</summary>
        public bool Pending;

        /// <summary>Gives it <paramref name="value"/>, read as its type; a failure to read it, or the callback's own, is logged.</summary>
        public abstract void Deliver(object? value, Future of);
    }

    /// <summary>A progress callback for values of <typeparamref name="TProgress"/>.</summary>
    private protected sealed class ProgressCallback<TProgress>(Action<TProgress> callback) : ProgressCallback
    {
        // A callback that throws is logged and gets the later values all the same, as a done-callback failure is logged.
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "A user callback may throw anything; it must not stop the drain.")]
        public override void Deliver(object? value, Future of)
        {
            TProgress typed;
            try
            {
                typed = value switch
                {
                    SerializedProgress serialized => (TProgress)serialized.ReadAs(typeof(TProgress))!,
                    TProgress local => local,
                    null when default(TProgress) is null => default!,
                    _ => throw new InvalidCastException(
                        $"A progress value of type {value?.GetType().Name ?? "null"} cannot be given to a progress callback of {typeof(TProgress).Name}."),
                };
            }
            catch (Exception e)
            {
                ExecutorLog.ProgressValueSkipped(of.CallbackLog, of, e.Message);
                return;
            }

            try
            {
                callback(typed);
            }
            catch (Exception e)
            {
                ExecutorLog.ProgressCallbackFailed(of.CallbackLog, e, of);
            }
        }
    }

    private sealed class ProgressState
    {
        public object? Latest;
        public long Reported; // values reported so far: the latest's number
        public ProgressCallback[] Callbacks = [];
        public bool Draining; // a drain is queued or running: true whenever a callback lacks the latest value
        public FutureState? Decided; // the final state a settle decided while a drain ran, which that drain makes final
        public bool DecidedTimedOut;
    }
}
