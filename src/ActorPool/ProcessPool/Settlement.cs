using ActorPool.Calls;
using ActorPool.Wire;
using Akka.Actor;

namespace ActorPool.ProcessPool;

/// <summary>How the calls a worker process held end: settled from its answers, or given back or failed when it is let go.</summary>
internal static class Settlement
{
    /// <summary>
    /// Settles the futures <paramref name="batch"/> answers (whose key the caller has checked) and frees their room, and hands
    /// on the progress values it carries (each before its call's answer). An
    /// answer that says "skipped" is for a call the worker lost to the parent: canceled by its user (its waiters are
    /// notified, and the room freed), or taken back by the router for another worker (which already counted it).
    /// </summary>
    public static void Settle(WorkerChild child, ResultBatch batch, Action<WorkItem> roomFreed, Action<WorkerChild, HeldCall> timedSettled)
    {
        foreach (var result in batch.Results)
        {
            if (result.Progress)
            {
                if (child.InFlight.TryGetValue(result.Id, out var running))
                {
                    CallCodec.Progress(running.Item, result);
                }

                continue; // a value for a call this worker no longer holds (failed meanwhile, or never sent it) is dropped
            }

            if (!child.InFlight.Remove(result.Id, out var held))
            {
                continue; // a reply to a call already failed (its worker was declared dead)
            }

            child.FreeSlots.Push(held.Slot);
            child.InFlightBytes -= held.Bytes;
            if (held.Item.Control is { Timeout: not null })
            {
                timedSettled(child, held); // its timeout check is not needed anymore
            }

            if (result.Skipped)
            {
                if (held.WasTakenBack)
                {
                    continue; // the router gave it to another worker and already counted this one's room free
                }

                held.Item.IsPendingOrNotifyCancel(); // canceled by its user: now its waiters count it done
            }
            else
            {
                held.Item.Future.TryMarkRunning();
                CallCodec.Settle(held.Item, result);
            }

            roomFreed(held.Item);
        }
    }

    /// <summary>
    /// Settles what <paramref name="child"/> held as its proxy lets it go: a call it started fails with
    /// <paramref name="error"/>; one it had not started is given back instead, still pending, for the router to requeue.
    /// </summary>
    public static void FailHeld(WorkerChild child, IActorRef proxy, Exception error)
    {
        foreach (var held in child.InFlight.Values)
        {
            if (held.WasTakenBack)
            {
                continue; // the router gave it to another worker
            }

            if (held.Item.TryGiveBack(proxy) != false)
            {
                continue; // given back unstarted (the router requeues it), or no longer this worker's
            }

            held.Item.IsPendingOrNotifyCancel(); // one canceled meanwhile is notified, not failed
            held.Item.Fail(error);
        }

        child.InFlight.Clear();
        child.InFlightBytes = 0;
    }
}
