using ActorPool.Calls;

namespace ActorPool.Routing;

/*
 * The router's calls not yet sent to a worker, in the order they go out: calls put back ahead (taken back from a worker
 * that died, or when priorities came into use), then the CallInbox in submission order. While no call has had a
 * priority this is the FIFO it always was: a queue and the inbox, and no per-call cost. From the first call posted with
 * a priority (PoolState.Prioritized) it is a heap ordered by priority, highest first, then by when the router took the
 * call in (FIFO within a priority): every dequeue first moves what the inbox holds onto the heap. It never goes back.
 */
internal sealed class CallQueue(PoolState pool)
{
    private Queue<WorkItem> ahead = new();
    private PriorityQueue<WorkItem, Rank>? ordered;
    private long nextSeq;      // the next call taken in from the inbox or as a message
    private long firstAheadSeq; // calls put back ahead are numbered down from here

    private CallInbox Inbox => pool.Calls;

    /// <summary>True once a call with a priority has been posted: calls go out by priority, then in order.</summary>
    public bool IsOrdered => ordered is not null;

    /// <summary>True if a call with a priority was posted and this queue is not ordered yet (see <see cref="Order"/>).</summary>
    public bool ShouldOrder => ordered is null && pool.Prioritized;

    public bool IsEmpty => ahead.Count == 0 && (ordered is null || ordered.Count == 0) && Inbox.IsEmpty;

    public int Count => ahead.Count + (ordered?.Count ?? 0) + Inbox.Count;

    /// <summary>Takes a call the router was sent as a message, after those already queued.</summary>
    public void Enqueue(WorkItem item)
    {
        if (ordered is null)
        {
            ahead.Enqueue(item);
        }
        else
        {
            ordered.Enqueue(item, new Rank(item.Priority, nextSeq++));
        }
    }

    /// <summary>The next call to send: the highest priority's oldest once ordered, else the oldest.</summary>
    public bool TryDequeue(out WorkItem item)
    {
        if (ordered is null)
        {
            return ahead.TryDequeue(out item!) || Inbox.TryTake(out item);
        }

        while (Inbox.TryTake(out var posted))
        {
            ordered.Enqueue(posted, new Rank(posted.Priority, nextSeq++));
        }

        return ordered.TryDequeue(out item!, out _);
    }

    /// <summary>Puts <paramref name="calls"/>, in their order, ahead of every call queued (of their priority, once ordered).</summary>
    public void RequeueAhead(IReadOnlyList<WorkItem> calls)
    {
        if (calls.Count == 0)
        {
            return;
        }

        if (ordered is null)
        {
            ahead = new Queue<WorkItem>(calls.Concat(ahead));
            return;
        }

        firstAheadSeq -= calls.Count;
        for (var i = 0; i < calls.Count; i++)
        {
            ordered.Enqueue(calls[i], new Rank(calls[i].Priority, firstAheadSeq + i));
        }
    }

    /// <summary>From now on, orders calls by priority: what is queued keeps its order, ahead of what the inbox holds.</summary>
    public void Order()
    {
        if (ordered is not null)
        {
            return;
        }

        ordered = new PriorityQueue<WorkItem, Rank>(Math.Max(ahead.Count, 16), RankComparer.Instance);
        while (ahead.TryDequeue(out var item))
        {
            ordered.Enqueue(item, new Rank(item.Priority, nextSeq++));
        }

        ahead = new Queue<WorkItem>(0);
    }

    /// <summary>A queued call's place: its priority, then its sequence number (lower first).</summary>
    private readonly record struct Rank(int Priority, long Seq);

    private sealed class RankComparer : IComparer<Rank>
    {
        public static readonly RankComparer Instance = new();

        // PriorityQueue dequeues the least first: a higher priority is "less", then an earlier call.
        public int Compare(Rank x, Rank y) => x.Priority != y.Priority ? y.Priority.CompareTo(x.Priority) : x.Seq.CompareTo(y.Seq);
    }
}
