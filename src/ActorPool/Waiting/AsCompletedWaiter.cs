using System.Collections.Concurrent;

namespace ActorPool.Waiting;

/// <summary>
/// The waiter behind <see cref="Future.AsCompleted(IEnumerable{Future}, TimeSpan?)"/>: queues futures in the
/// order they complete and counts them in a semaphore, so the consumer can wait synchronously or asynchronously.
/// </summary>
internal sealed class AsCompletedWaiter : Waiter, IDisposable
{
    private readonly ConcurrentQueue<Future> completed = new();
    private readonly SemaphoreSlim count = new(0);

    public override void Add(Future future, bool failed)
    {
        completed.Enqueue(future);
        count.Release();
    }

    /// <summary>The next completed future, or null if none completed before the deadline.</summary>
    public Future? Next(Deadline deadline)
    {
        while (!count.Wait(deadline.Remaining))
        {
            if (deadline.HasExpired)
            {
                return null;
            }
        }

        return Dequeue();
    }

    /// <inheritdoc cref="Next"/>
    public async ValueTask<Future?> NextAsync(Deadline deadline, CancellationToken cancellationToken)
    {
        while (!await count.WaitAsync(deadline.Remaining, cancellationToken).ConfigureAwait(false))
        {
            if (deadline.HasExpired)
            {
                return null;
            }
        }

        return Dequeue();
    }

    private Future Dequeue() =>
        completed.TryDequeue(out var future) ? future : throw new InvalidOperationException("ActorPool bug: a completion was counted but not queued.");

    public void Dispose() => count.Dispose();
}
