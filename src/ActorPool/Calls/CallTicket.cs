using System.Diagnostics;

namespace ActorPool.Calls;

/*
 * The hand-over of one call from the router to a worker, the only place that knows it. A call is
 *
 *              router: TryAssignTo(w)                 worker w: TryStart(w)
 *   Queued ───────────────────────────────► Assigned ─────────────────────────► the future Running (a thread worker)
 *     ▲  ▲                                   │   │     worker w: TryHold(w, claim)
 *     │  │ router: TryTakeBack(),            │   └──────────────────────────► Held ──(w wins its claim)──► Started
 *     │  │ or w died: TryGiveBack(w)         │                                 │  │    (a worker process)
 *     │  └───────────────────────────────────┘                                 │  └─(w's proxy: TryGrant)──► the future Running
 *     └────────────────── router: TryTakeBack(), or w died: TryGiveBack(w) ────┘       (a cluster node, on request)
 *
 * and, from any of them while the future is pending, Canceled or Finished (the future's own states). Queued means
 * pending and no worker's; Assigned, sent to a worker that has not taken it yet; Held, taken by a worker that keeps it
 * unstarted under a Claim (a word on a process's claim board), so that Cancel and the router's take-back race the
 * worker's start on that word and exactly one wins. Every step runs under the future's lock, so it decides once.
 *
 * A worker process wins its claim on a word both processes map; a cluster node cannot share memory, so it asks its proxy,
 * which decides the claim (a LockedClaim) under the future's lock and answers (see NodeWorkerProxy).
 * The ticket is the base of WorkItem, so a call costs no allocation for it; the future reaches it only as a
 * Future.IStartGate, and knows nothing of workers or routers.
 */
internal abstract class CallTicket : Future.IStartGate
{
    // Null while no worker's; the worker it was sent to, until it starts there or the router takes it back; or, while
    // that worker holds it unstarted, the worker's Claim (whose Holder is the worker). One field, not two: every call
    // carries it.
    private object? holder;

    /// <summary>For a copy of a call made to try it again (<see cref="WorkItem{TResult}.Renew"/>): no worker's yet.</summary>
    protected void ForgetWorker() => holder = null;

    /// <summary>The future the call settles.</summary>
    public abstract Future Future { get; }

    /// <summary>Where the call stands in its hand-over (for tests and invariant checks; a snapshot).</summary>
    public CallState State
    {
        get
        {
            lock (Future.SyncRoot)
            {
                return StateLocked;
            }
        }
    }

    private CallState StateLocked => !Future.IsPendingLocked ? CallState.Settled
        : holder is null ? CallState.Queued
        : holder is not Claim claim ? CallState.Assigned
        : claim.HasStarted ? CallState.Started
        : CallState.Held;

    /// <summary>The worker that has the call, whether it was sent to it or it holds it under a claim.</summary>
    private object? Worker => holder is Claim claim ? claim.Holder : holder;

    /// <summary>
    /// For the router, as it sends the call to <paramref name="worker"/>: true if it is pending, and from now on only that
    /// worker may take it; false if canceled (its waiters are notified now) or settled by someone else, so it is not sent.
    /// </summary>
    public bool TryAssignTo(object worker)
    {
        lock (Future.SyncRoot)
        {
            if (Future.IsPendingLocked)
            {
                holder = worker;
                return true;
            }

            Future.NotifyIfCanceledLocked();
            return false;
        }
    }

    /// <summary>For <paramref name="worker"/> about to run the call on this thread: marks it running if it is still its own.</summary>
    public HandOver TryStart(object worker) => Take(worker, hold: null);

    /// <summary>
    /// For <paramref name="worker"/> keeping the call unstarted under <paramref name="hold"/> (a worker process sending it on):
    /// from now on <see cref="Future.Cancel()"/>, <see cref="Future.IsRunning"/> and the router's take-back ask the claim.
    /// </summary>
    public HandOver TryHold(object worker, Claim hold) => Take(worker, hold);

    /// <summary>
    /// For the proxy of a worker that asks before it starts each call it holds (a cluster node): grants the call held under
    /// <paramref name="claim"/>, marking the future running (from now on <see cref="Future.Cancel()"/> returns false and the
    /// worker will run it). <see cref="HandOver.TakenBack"/> if the router took it back first (it counted the room free);
    /// <see cref="HandOver.NotPending"/> if it was canceled (its waiters are notified now) or settled meanwhile.
    /// </summary>
    public HandOver TryGrant(LockedClaim claim)
    {
        lock (Future.SyncRoot)
        {
            if (claim.WasTakenBack || (Future.IsPendingLocked && holder != claim))
            {
                return HandOver.TakenBack;
            }

            if (!Future.IsPendingLocked || !claim.TryGrantLocked())
            {
                Future.NotifyIfCanceledLocked();
                return HandOver.NotPending;
            }

            holder = null;
            Future.MarkRunningLocked();
            return HandOver.Accepted;
        }
    }

    private HandOver Take(object worker, Claim? hold)
    {
        lock (Future.SyncRoot)
        {
            if (Worker != worker || holder is Claim)
            {
                // Only the router's take-back moves a call off its worker; a claim already there means this is a
                // second copy of a call taken back and given to this worker again, which must not run twice.
                return HandOver.TakenBack;
            }

            if (!Future.IsPendingLocked)
            {
                Future.NotifyIfCanceledLocked(); // canceled on its way: its waiters count it done from now on
                return HandOver.NotPending;
            }

            if (hold is null)
            {
                holder = null;
                Future.MarkRunningLocked();
            }
            else
            {
                hold.Holder = worker;
                holder = hold;
            }

            return HandOver.Accepted;
        }
    }

    /// <summary>
    /// For the router, to give the call to another worker: true if the worker it was sent to will not run it (it had not
    /// started it, or not even received it), and the call is Queued again.
    /// </summary>
    public bool TryTakeBack()
    {
        lock (Future.SyncRoot)
        {
            if (!Future.IsPendingLocked || holder is null || (holder is Claim claim && !claim.TryTakeBack()))
            {
                return false;
            }

            holder = null;
            return true;
        }
    }

    /// <summary>
    /// For <paramref name="worker"/>, to move a call it holds unstarted under a claim from the process holding it to the
    /// next one it starts (a process recycled for its memory): true if the claim was won back, and the call is sent to
    /// <paramref name="worker"/> again (Assigned), for it to hold anew; false if it started, settled or is not its own.
    /// </summary>
    public bool TryReclaim(object worker)
    {
        lock (Future.SyncRoot)
        {
            if (!Future.IsPendingLocked || holder is not Claim claim || claim.Holder != worker || !claim.TryTakeBack())
            {
                return false;
            }

            holder = worker;
            return true;
        }
    }

    /// <summary>
    /// For <paramref name="worker"/> as it dies: gives the call back if it is still its own and unstarted (true: Queued again,
    /// for the router to requeue); null if it is not its own any more (leave it alone); false if it started or is settled
    /// (fail it, or notify it if canceled).
    /// </summary>
    public bool? TryGiveBack(object worker)
    {
        lock (Future.SyncRoot)
        {
            if (Future.IsPendingLocked && Worker != worker)
            {
                return null;
            }

            if (!Future.IsPendingLocked || (holder is Claim claim && !claim.TryTakeBack()))
            {
                return false;
            }

            holder = null;
            return true;
        }
    }

    /// <summary>
    /// True if the call is pending; false if canceled (its waiters are notified now, so Wait and AsCompleted count it
    /// done) or settled by someone else.
    /// </summary>
    public bool IsPendingOrNotifyCancel()
    {
        lock (Future.SyncRoot)
        {
            Future.NotifyIfCanceledLocked();
            return Future.IsPendingLocked;
        }
    }

    /// <summary>True while the call is pending and some worker has it (sent to it, held, or started under its claim).</summary>
    public bool IsSentAhead => State is CallState.Assigned or CallState.Held or CallState.Started;

    /// <summary>True while the call is pending with a worker that has not started it (sent to it, or held).</summary>
    public bool IsAssignedUnstarted => State is CallState.Assigned or CallState.Held;

    /// <summary>True while a worker holds the call unstarted under a claim.</summary>
    public bool IsHeldUnstarted => State == CallState.Held;

    /// <summary>True while the call is pending and no worker holds it under a claim: it can go to any worker.</summary>
    public bool IsPendingAndUnclaimed
    {
        get
        {
            lock (Future.SyncRoot)
            {
                return Future.IsPendingLocked && holder is not Claim;
            }
        }
    }

    /// <summary>Throws if the hand-over contradicts itself: a call held under a claim that names no worker.</summary>
    public void AssertInvariants()
    {
        lock (Future.SyncRoot)
        {
            if (holder is Claim { Holder: null })
            {
                throw new InvalidOperationException($"{Future} is held under a claim by no worker.");
            }
        }
    }

    // The future's side, called under its lock: see Future.IStartGate.
    bool Future.IStartGate.HasStarted => holder is Claim { HasStarted: true };

    long Future.IStartGate.WorkerStartedAt => holder is Claim { HasStarted: true } claim ? claim.StartedAt : 0;

    bool Future.IStartGate.TryPreventStart()
    {
        Debug.Assert(Monitor.IsEntered(Future.SyncRoot), "caller holds the future's lock");
        if (holder is Claim claim)
        {
            if (!claim.TryCancel())
            {
                return false; // its worker has started it
            }

            holder = claim.Holder; // the worker stays: it must tell this from a call taken back from it
        }

        return true;
    }

    void Future.IStartGate.Running()
    {
        Debug.Assert(Monitor.IsEntered(Future.SyncRoot), "caller holds the future's lock");
        holder = null; // marked running by the executor (its worker has answered, or never claims): the hand-over is over
    }

    void Future.IStartGate.Settled() => OnSettled();

    /// <summary>The future has just become final.</summary>
    protected virtual void OnSettled()
    {
    }

    void Future.IStartGate.Failed()
    {
        Debug.Assert(Monitor.IsEntered(Future.SyncRoot), "caller holds the future's lock");
        if (holder is Claim claim)
        {
            claim.TryCancel(); // failed while a worker holds it unstarted: it must not start there after all
            holder = claim.Holder; // the worker stays, as for a cancel
        }
    }
}

/// <summary>Where a call stands in its hand-over; see <see cref="CallTicket"/>.</summary>
internal enum CallState
{
    /// <summary>Pending and no worker's: in the router's queue, or taken back.</summary>
    Queued,

    /// <summary>Pending and sent to a worker that has not taken it yet.</summary>
    Assigned,

    /// <summary>Pending and held unstarted by a worker under a claim.</summary>
    Held,

    /// <summary>Started by the worker holding it under a claim (the future still says pending until it is settled).</summary>
    Started,

    /// <summary>Running, finished or canceled: the future's own states.</summary>
    Settled,
}

/// <summary>What a worker found when it took its call from the ticket.</summary>
internal enum HandOver
{
    /// <summary>The worker has the call (started, or held under its claim).</summary>
    Accepted,

    /// <summary>The router gave the call to another worker meanwhile: drop it, and report nothing.</summary>
    TakenBack,

    /// <summary>Canceled (its waiters are notified now) or settled meanwhile: report the room free.</summary>
    NotPending,
}
