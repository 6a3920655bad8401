using System.Diagnostics;

namespace ActorPool;

// The one thing a future knows of how its call reaches a worker: a gate it asks before it cancels, and the few
// lock-held steps the gate's owner (Calls/CallTicket) takes in step with it. Nothing here is public.
public abstract partial class Future
{
    /// <summary>
    /// Where an executor hands a pending call to a worker that decides itself when it starts it (see
    /// <see cref="Calls.CallTicket"/>): the future asks the gate before it cancels and whether the call runs. Every member is
    /// called with the future's lock held.
    /// </summary>
    internal interface IStartGate
    {
        /// <summary>True if a worker holding the call has started it, though the future still says pending.</summary>
        bool HasStarted { get; }

        /// <summary>When the worker started the call, as a <see cref="Stopwatch"/> timestamp, if it stamped that; else 0.</summary>
        long WorkerStartedAt { get; }

        /// <summary>For <see cref="Cancel()"/>: true if no worker will start the call now; false if one has.</summary>
        bool TryPreventStart();

        /// <summary>The future has been marked running.</summary>
        void Running();

        /// <summary>The future has failed while pending or running: a worker holding it unstarted must not start it.</summary>
        void Failed();

        /// <summary>The future has just become final (called once, outside its lock): what watched the call can let go.</summary>
        void Settled();
    }

    /// <summary>The executor's start gate for the call (for tests); null for a future made by user code.</summary>
    internal IStartGate? StartGate => startGate;

    /// <summary>The lock every state change takes; a <see cref="IStartGate"/> takes it to step with the future.</summary>
    internal object SyncRoot => Gate;

    /// <summary>True if pending. The caller holds <see cref="SyncRoot"/>.</summary>
    internal bool IsPendingLocked
    {
        get
        {
            Debug.Assert(Monitor.IsEntered(Gate), "caller holds the future's lock");
            return state == FutureState.Pending;
        }
    }

    /// <summary>Marks a pending future running, for its gate. The caller holds <see cref="SyncRoot"/>.</summary>
    internal void MarkRunningLocked()
    {
        Debug.Assert(Monitor.IsEntered(Gate) && state == FutureState.Pending, "caller holds the lock of a pending future");
        state = FutureState.Running;
        MeterStartedLocked();
    }

    /// <summary>Notifies the waiters of a future canceled and not yet notified. The caller holds <see cref="SyncRoot"/>.</summary>
    internal void NotifyIfCanceledLocked()
    {
        Debug.Assert(Monitor.IsEntered(Gate), "caller holds the future's lock");
        if (state == FutureState.Canceled)
        {
            state = FutureState.CanceledAndNotified;
            NotifyWaiters();
        }
    }
}
