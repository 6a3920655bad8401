using System.Diagnostics;

namespace ActorPool.Routing;

/// <summary>
/// Which worker gets the next calls, how many, and when an idle worker takes calls back from another: the router's
/// decisions, apart from its messages and lifecycle (as Akka.NET keeps <c>SmallestMailboxRoutingLogic</c> apart from its
/// router). Pure and deterministic: it reads the slots and the time it is given, and changes nothing but its own
/// <see cref="ReadyBelow"/>, once, when calls start to go out by priority.
/// </summary>
internal sealed class DispatchPolicy
{
    /// <summary>
    /// How long a worker may hold its oldest call before an idle worker takes back the calls it holds unstarted ahead of
    /// the queue: longer than a thread's time slice or a young-generation GC, so batches of short calls are not torn
    /// apart whenever their thread is preempted, and short enough that calls held behind a slow one start soon after
    /// they would have from a shared queue. See docs/design/routing.md for the measurements behind it.
    /// </summary>
    public static readonly TimeSpan HeldTooLong = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long a worker that can stall may leave its only call unstarted before an idle worker takes it (once per call):
    /// far longer than a large call takes to arrive and be read, so big arguments are not passed from worker to worker.
    /// </summary>
    public static readonly TimeSpan StalledAfter = TimeSpan.FromMilliseconds(500);

    public DispatchPolicy(HandOverMode mode, int prefetch)
    {
        Mode = mode;
        Capacity = 1 + prefetch;
        Batches = mode == HandOverMode.ClaimedInBatches && Capacity > 1;
        // A batch goes only to an idle worker; that worker then goes back on top of the ready stack, so the thread
        // that just finished (still spinning for work) gets the next call, rather than one that has to be woken.
        ReadyBelow = Batches ? 1 : Capacity;
    }

    public HandOverMode Mode { get; }

    /// <summary>Calls a worker may hold: the one it runs and those sent ahead.</summary>
    public int Capacity { get; }

    /// <summary>True if an idle worker takes its share of the queue in one message.</summary>
    public bool Batches { get; }

    /// <summary>A worker may be sent more calls while it holds fewer than this.</summary>
    public int ReadyBelow { get; private set; }

    /// <summary>
    /// Calls now go out by priority: only a worker that holds nothing is sent more (one call, or a batch of the queue's
    /// best), since a call sent ahead to a busy worker could not be passed by a call of a higher priority submitted later.
    /// </summary>
    public void OrderByPriority() => ReadyBelow = 1;

    /// <summary>True if the router watches for a worker that leaves its only call unstarted (<see cref="StalledAfter"/>).</summary>
    public bool WatchesForStalls => Mode == HandOverMode.ClaimedWatchedForStalls;

    /// <summary>
    /// The ready worker to send to next: the top of the stack when only idle workers are ready; else an idle one if
    /// there is one, or the one holding the fewest calls, so calls sent ahead spread over the workers instead of piling
    /// onto one. Null if none is ready.
    /// </summary>
    public Slot? NextSlot(WorkerSlots slots)
    {
        if (!slots.AnyReady)
        {
            return null;
        }

        if (ReadyBelow == 1)
        {
            return slots.TopReady;
        }

        Slot? least = null;
        foreach (var slot in slots.Ready)
        {
            if (least is null || slot.Held.Count < least.Held.Count)
            {
                least = slot;
                if (slot.Held.Count == 0)
                {
                    break;
                }
            }
        }

        return least;
    }

    /// <summary>How many of <paramref name="queued"/> calls to send an idle worker at once: its even share, at least one, at most its capacity.</summary>
    public int Share(int queued, int workers) =>
        Batches ? Math.Clamp((queued + workers - 1) / Math.Max(1, workers), 1, Capacity) : 1;

    /// <summary>
    /// For a worker with nothing to do: the worker to take unstarted calls back from, and how many, or null. The busiest
    /// worker holding more than one call (the rest of its calls wait behind the one it runs); with calls queued
    /// (<paramref name="anyQueued"/>), only one that has held its oldest call for over <see cref="HeldTooLong"/>, as only
    /// those calls are older than the queue's. One call (half of what it holds, for batches). Only a worker that still
    /// holds an unstarted call counts: a cluster node worker may hold the call it runs and the next, already granted,
    /// neither of which can move, while a worker holding fewer has one that can. <paramref name="now"/> is read only when
    /// <paramref name="anyQueued"/>.
    /// </summary>
    public (Slot From, int Count)? TakeBackFor(Slot idle, WorkerSlots slots, bool anyQueued, long now)
    {
        if (idle.Held.Count > 0 || !idle.IsReady)
        {
            return null;
        }

        Slot? busiest = null;
        foreach (var slot in slots.All)
        {
            if (slot.Held.Count > 1 && (busiest is null || slot.Held.Count > busiest.Held.Count)
                && (!anyQueued || Stopwatch.GetElapsedTime(slot.Held[0].SentAt, now) > HeldTooLong)
                && HoldsUnstarted(slot)) // last: it takes each call's lock
            {
                busiest = slot;
            }
        }

        return busiest is null ? null : (busiest, Batches ? busiest.Held.Count / 2 : 1);
    }

    private static bool HoldsUnstarted(Slot slot)
    {
        for (var i = slot.Held.Count - 1; i >= 0; i--) // the unstarted are at the end, behind the one it runs
        {
            if (slot.Held[i].IsAssignedUnstarted)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// For an idle worker, where workers can stall: another worker whose only call has been sent over
    /// <see cref="StalledAfter"/> ago, is still unstarted and was never moved this way before (that worker is frozen or
    /// starved); or null.
    /// </summary>
    public Slot? StalledFor(Slot idle, WorkerSlots slots, long now)
    {
        if (!WatchesForStalls || idle.Held.Count > 0 || !idle.IsReady)
        {
            return null;
        }

        foreach (var slot in slots.All)
        {
            if (slot != idle && slot.Held.Count == 1 && !slot.Held[0].MovedAsStalled
                && Stopwatch.GetElapsedTime(slot.Held[0].SentAt, now) > StalledAfter && slot.Held[0].IsAssignedUnstarted)
            {
                return slot;
            }
        }

        return null;
    }

    /// <summary>True if a stalled-worker check is worth a timer: a call is out and some worker is idle and ready to take it.</summary>
    public bool ShouldWatchForStalls(WorkerSlots slots)
    {
        if (!WatchesForStalls || slots.HeldCount == 0)
        {
            return false;
        }

        foreach (var slot in slots.Ready)
        {
            if (slot.Held.Count == 0)
            {
                return true;
            }
        }

        return false;
    }
}
