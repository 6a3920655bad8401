namespace ActorPool;

// The executor side of a call sent ahead to a worker that claims calls itself (see Routing/PoolRouter.cs): the router
// assigns it, the worker takes it over (or finds it taken back, or canceled), and Cancel/IsRunning ask the worker's
// claim while it holds the call unstarted. Every step runs under the future's lock, so each one decides exactly once.
public abstract partial class Future
{
    /// <summary>
    /// True if the call is pending; false if canceled (its waiters are notified now) or settled by someone else.
    /// </summary>
    internal bool IsPendingOrNotifyCancel()
    {
        lock (Gate)
        {
            if (state == FutureState.Canceled)
            {
                state = FutureState.CanceledAndNotified;
                NotifyWaiters();
            }

            return state == FutureState.Pending;
        }
    }

    /// <summary>
    /// For a router about to send the call to <paramref name="worker"/>, one that claims calls: true if it is pending, and
    /// from now on only that worker may <see cref="TryHandOver"/>; false if canceled (its waiters are notified now) or
    /// settled by someone else, so it is not to be sent.
    /// </summary>
    internal bool TryAssignTo(object worker)
    {
        lock (Gate)
        {
            if (state == FutureState.Pending)
            {
                holder = worker;
                return true;
            }

            if (state == FutureState.Canceled)
            {
                state = FutureState.CanceledAndNotified;
                NotifyWaiters();
            }

            return false;
        }
    }

    /// <summary>
    /// For the worker the call was assigned to (<see cref="TryAssignTo"/>), when it gets the call: with <paramref name="hold"/>,
    /// it keeps the call unstarted (a process worker sending it on), and from then on <see cref="Cancel()"/> and
    /// <see cref="IsRunning"/> ask the claim; without, it starts the call now (a thread worker). The answer says whether
    /// the router took the call back on its way (then the router has already counted this worker's room free) or the
    /// future is no longer pending (canceled: notify it with <see cref="IsPendingOrNotifyCancel"/>).
    /// </summary>
    internal HandOver TryHandOver(object worker, Routing.Claim? hold)
    {
        lock (Gate)
        {
            if (holder != worker || claim is not null)
            {
                // Only the router's take-back moves a call off its worker; a claim already there means this is a
                // second copy of a call taken back and given to this worker again, which must not run twice.
                return HandOver.TakenBack;
            }

            if (state != FutureState.Pending)
            {
                return HandOver.NotPending;
            }

            if (hold is null)
            {
                state = FutureState.Running;
                holder = null;
            }
            else
            {
                claim = hold;
            }

            return HandOver.Accepted;
        }
    }

    /// <summary>
    /// For a worker that died: gives the call back if it is still this worker's and unstarted (true: it is pending and
    /// unassigned, for the router to requeue); null if it is not this worker's any more (leave it alone); false if it
    /// started or is settled (fail it, or notify it if canceled).
    /// </summary>
    internal bool? TryGiveBack(object worker)
    {
        lock (Gate)
        {
            if (state == FutureState.Pending && holder != worker)
            {
                return null;
            }

            if (state != FutureState.Pending || (claim is not null && !claim.TryTakeBack()))
            {
                return false;
            }

            claim = null;
            holder = null;
            return true;
        }
    }

    /// <summary>True while the call is assigned to a worker that claims calls and still pending (it may be on its way, or held unstarted).</summary>
    internal bool IsSentAhead
    {
        get
        {
            lock (Gate)
            {
                return state == FutureState.Pending && holder is not null;
            }
        }
    }

    /// <summary>True while a worker process holds the call unstarted under a claim on its board (tests use it).</summary>
    internal bool IsHeldUnstarted
    {
        get
        {
            lock (Gate)
            {
                return state == FutureState.Pending && claim is not null && !claim.HasStarted;
            }
        }
    }

    /// <summary>True while the call is assigned to a worker that has not started it (a thread marks it running as it starts; a process, on its board).</summary>
    internal bool IsAssignedUnstarted
    {
        get
        {
            lock (Gate)
            {
                return state == FutureState.Pending && holder is not null && (claim is null || !claim.HasStarted);
            }
        }
    }

    /// <summary>True if the call is pending and no worker holds it: it can go to any worker (one that died before starting it, say).</summary>
    internal bool IsPendingAndUnclaimed
    {
        get
        {
            lock (Gate)
            {
                return state == FutureState.Pending && claim is null;
            }
        }
    }

    /// <summary>
    /// Takes the call back from the worker it was assigned to, to give it to another: true if that worker will not run it
    /// (it had not started it, or not even received it), and the future is pending and unassigned again.
    /// </summary>
    internal bool TryTakeBack()
    {
        lock (Gate)
        {
            if (state != FutureState.Pending || holder is null || (claim is not null && !claim.TryTakeBack()))
            {
                return false;
            }

            claim = null;
            holder = null;
            return true;
        }
    }
}

/// <summary>What <see cref="Future.TryHandOver"/> found.</summary>
internal enum HandOver
{
    /// <summary>The worker has the call (started, or held under its claim).</summary>
    Accepted,

    /// <summary>The router gave the call to another worker meanwhile: drop it, and report nothing.</summary>
    TakenBack,

    /// <summary>Canceled or settled meanwhile: notify it if canceled, and report the room free.</summary>
    NotPending,
}
