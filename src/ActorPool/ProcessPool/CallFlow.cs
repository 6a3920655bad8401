using ActorPool.Calls;
using ActorPool.Wire;
using Akka.Actor;

namespace ActorPool.ProcessPool;

/// <summary>
/// Flow control between a proxy and its worker process: the calls the router sent that wait here, and how many of
/// them go to the worker and when. A worker gets calls while it has free board slots and holds less than
/// <see cref="PrefetchBytes"/>, in messages of at most <see cref="MaxCallsPerBatch"/> calls and the payload limit.
/// </summary>
internal sealed class CallFlow(ProcessPoolContext pool)
{
    /// <summary>Calls per message at most, so a batch stays far below the frame size however large the prefetch.</summary>
    private const int MaxCallsPerBatch = 256;

    /// <summary>
    /// Bytes of calls (mostly their arguments) a worker may hold at once: past this, calls wait here rather than be sent ahead (one call always
    /// goes, however large), so prefetching hundreds of calls never means hundreds of large payloads in a worker's memory.
    /// The router can still take back a call waiting here.
    /// </summary>
    private const long PrefetchBytes = 4 << 20;

    private readonly Queue<WorkItem> waiting = new();
    private long nextId;

    public void Enqueue(WorkItem item) => waiting.Enqueue(item);

    /// <summary>
    /// Puts calls won back from a worker process that is being recycled ahead of those waiting, in the order given: they
    /// were sent before any of them, and go first to the next process.
    /// </summary>
    public void PutBack(List<WorkItem> calls)
    {
        if (calls.Count == 0)
        {
            return;
        }

        calls.AddRange(waiting);
        waiting.Clear();
        foreach (var call in calls)
        {
            waiting.Enqueue(call);
        }
    }

    /// <summary>The batcher for a worker process that has registered <paramref name="runner"/>; its batches go from <paramref name="proxy"/>.</summary>
    public Batcher<CallItem> OutboxTo(IActorRef runner, IActorRef proxy) =>
        new(MaxCallsPerBatch, pool.MaxPayloadSize, calls => runner.Tell(new CallBatch(pool.Secret, calls), proxy));

    /// <summary>
    /// Forgets the waiting calls: never sent, so still pending and no worker's; the router requeues them (or fails them
    /// if the pool broke). Some may be stale copies of calls another worker now has.
    /// </summary>
    public void Clear() => waiting.Clear();

    /// <summary>
    /// Sends <paramref name="child"/> every waiting call it has room for, in as few messages as the limits allow, each
    /// held by <paramref name="proxy"/> under a claim on its board. <paramref name="roomFreed"/> is told of a call that
    /// did not go after all (canceled on its way here, or its arguments could not be serialized); <paramref name="timed"/>
    /// of each call sent with a timeout. True if the child has just been sent its last allowed call and now retires.
    /// </summary>
    public bool Flush(WorkerChild child, IActorRef proxy, Action<WorkItem> roomFreed, Action<HeldCall> timed)
    {
        if (child.Outbox is not { } batch)
        {
            return false; // not registered yet: it gets calls once it is
        }

        var retiring = false;
        while (waiting.Count > 0 && !child.Retiring && child.FreeSlots.Count > 0
               && (child.InFlight.Count == 0 || child.InFlightBytes < PrefetchBytes))
        {
            var item = waiting.Dequeue();
            if (CallCodec.PreparationError(item) is { } error)
            {
                // Its arguments could not be serialized at Submit: if it is still this worker's, it fails alone here
                // (one canceled meanwhile is only notified).
                if (item.TryStart(proxy) != HandOver.TakenBack)
                {
                    item.Fail(error);
                    roomFreed(item);
                }

                continue;
            }

            var id = ++nextId;
            var slot = child.FreeSlots.Pop();
            child.Board.Offer(slot, id);
            var call = CallCodec.Encode(item, pool.Secret, id, slot);
            var size = CallCodec.WireBytes(call);
            var held = new HeldCall(item, child.Board, slot, id, size);
            if (item.Control is { } control)
            {
                control.Runner = proxy; // before the worker can start it: a stop request that finds it running knows whom to tell
            }

            var handOver = item.TryHold(proxy, held);
            if (handOver != HandOver.Accepted)
            {
                child.FreeSlots.Push(slot);
                if (handOver == HandOver.NotPending)
                {
                    roomFreed(item); // canceled on its way here (and notified): this worker has room
                }

                continue; // or the router took it back on its way here (or this is a stale copy of it), and counted it
            }

            batch.Add(call, size);
            child.InFlight[id] = held;
            if (item.Control?.Timeout is not null)
            {
                timed(held);
            }

            child.InFlightBytes += size;
            child.Sent++;
            if (child.Sent >= pool.MaxTasksPerChild)
            {
                child.Retiring = true;
                retiring = true;
            }
        }

        batch.Send();
        return retiring;
    }
}
