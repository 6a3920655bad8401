using System.Collections.Concurrent;
using ActorPool.Wire;
using Akka.Actor;

namespace ActorPool.WorkerProcess;

/// <summary>
/// A <see cref="CallRunner"/>'s answers and progress values on their way to its proxy, sent in <see cref="ResultBatch"/>es
/// in the order they were queued. Flushes run one at a time (the runner's thread and its flusher may both flush), so a
/// call's progress, queued before its answer, always leaves before it. A running call's progress is queued once while it
/// waits here, and its latest value is taken when it leaves: values reported meanwhile replace each other.
/// </summary>
internal sealed class Outbox
{
    /// <summary>Answers per message at most: a batch stays far below the frame size, whatever the prefetch.</summary>
    private const int MaxResultsPerBatch = 256;

    // ResultItems, and RunningCalls whose latest progress value is to go.
    private readonly ConcurrentQueue<object> items = new();
    private readonly object sending = new();
    private int flushScheduled;

    /// <summary>Queues an answer; true if the caller is to see that it leaves (a flush is not already on its way).</summary>
    public bool Add(ResultItem result)
    {
        items.Enqueue(result);
        return Interlocked.Exchange(ref flushScheduled, 1) == 0;
    }

    /// <summary>Queues <paramref name="call"/>'s progress, which has no value waiting here yet; true as for <see cref="Add(ResultItem)"/>.</summary>
    public bool AddProgress(RunningCall call)
    {
        items.Enqueue(call);
        return Interlocked.Exchange(ref flushScheduled, 1) == 0;
    }

    /// <summary>Sends what is queued, in batches, from <paramref name="worker"/> to <paramref name="proxy"/>; called by whoever was told to by an add.</summary>
    public void Flush(IActorRef proxy, IActorRef worker, string replyKey, long maxPayload)
    {
        lock (sending)
        {
            Volatile.Write(ref flushScheduled, 0); // first: anything queued from now on schedules another flush
            var batch = new Batcher<ResultItem>(MaxResultsPerBatch, maxPayload, results => proxy.Tell(new ResultBatch(replyKey, results), worker));
            while (items.TryDequeue(out var item))
            {
                if ((item as ResultItem ?? ((RunningCall)item).TakeProgress()) is { } result)
                {
                    batch.Add(result, Size(result));
                }
            }

            batch.Send();
        }
    }

    /// <summary>An answer's size on the wire, at most: its value, or its error's text (up to 3 bytes a character), plus framing.</summary>
    private static long Size(ResultItem result)
    {
        long size = 64 + (result.Value?.LongLength ?? 0);
        return result.Error is { } error ? size + 3L * error.TextLength + 20L * error.Count : size;
    }
}
