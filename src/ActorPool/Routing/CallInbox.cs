using System.Collections.Concurrent;
using ActorPool.Calls;

namespace ActorPool.Routing;

/// <summary>
/// The router's mailbox for submitted calls: <c>Submit</c> posts a call here instead of sending the router a message,
/// and the router takes calls from it when a worker has room. Only when the router has found it empty with a worker
/// waiting does the next post have to wake it (with <see cref="CallsPosted"/>), so while every worker is busy a
/// submit costs a queue insertion instead of an actor message and a turn of the router.
/// </summary>
/// <remarks>Calls still here are queued: pending and cancelable, in submission order, owned by the router alone.</remarks>
internal sealed class CallInbox
{
    private readonly ConcurrentQueue<WorkItem> calls = new();
    // 1 while the router waits for a call (found none for a worker with room); the next post takes it back to 0 and
    // wakes the router. A new router has looked at nothing yet, so the first post must wake it.
    private int routerWaiting = 1;

    public bool IsEmpty => calls.IsEmpty;

    public int Count => calls.Count;

    /// <summary>Queues <paramref name="item"/>; true when the router waits for calls and must be told (once).</summary>
    public bool Post(WorkItem item)
    {
        calls.Enqueue(item); // a full fence: the router either sees this call or has already set routerWaiting
        return Volatile.Read(ref routerWaiting) == 1 && Interlocked.Exchange(ref routerWaiting, 0) == 1;
    }

    /// <summary>For the router only.</summary>
    public bool TryTake(out WorkItem item) => calls.TryDequeue(out item!);

    /// <summary>
    /// For the router, when a worker has room and no call is left: asks the next <see cref="Post"/> to wake it. False
    /// when a call slipped in meanwhile and no poster took the wake-up: the router should take it now instead.
    /// </summary>
    public bool AwaitCalls()
    {
        Interlocked.Exchange(ref routerWaiting, 1); // a full fence before the look at the queue, against Post's
        return calls.IsEmpty || Interlocked.Exchange(ref routerWaiting, 0) == 0;
    }
}
