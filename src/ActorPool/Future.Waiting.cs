using System.Runtime.CompilerServices;
using ActorPool.Waiting;

namespace ActorPool;

// The module functions of Python's concurrent.futures: wait() and as_completed(). They are built on
// completion notifications (a Waiter installed on each future), never on polling.
public abstract partial class Future
{
    /// <summary>
    /// Waits until <paramref name="returnWhen"/> is met or <paramref name="timeout"/> runs out, then returns the
    /// futures that are done and those that are not. Never throws on timeout. Duplicates count once.
    /// </summary>
    /// <remarks>
    /// Python's <c>concurrent.futures.wait(fs, timeout, return_when)</c>. As there, a future canceled but not yet
    /// seen by its executor (no <see cref="SetRunningOrNotifyCancel"/> yet) counts as not done.
    /// </remarks>
    public static DoneAndNotDone Wait(IEnumerable<Future> futures, TimeSpan? timeout = null,
                                      ReturnWhen returnWhen = ReturnWhen.AllCompleted)
    {
        if (!Enum.IsDefined(returnWhen))
        {
            throw new ArgumentOutOfRangeException(nameof(returnWhen), returnWhen, $"Invalid return condition: '{returnWhen}'.");
        }

        var deadline = Deadline.After(timeout);
        var all = Distinct(futures);
        using var waiter = new WaitWaiter(returnWhen, all.Count);
        try
        {
            foreach (var future in all)
            {
                future.Install(waiter);
            }

            waiter.Wait(deadline);
        }
        finally
        {
            UninstallAll(all, waiter);
        }

        var done = waiter.Finished();
        all.ExceptWith(done);
        return new DoneAndNotDone(done, all);
    }

    /// <summary>
    /// Yields each future as it completes: those already done first, then in completion order, each once.
    /// Throws <see cref="TimeoutException"/> ("N (of M) futures unfinished") if <paramref name="timeout"/>,
    /// measured from this call, runs out first.
    /// </summary>
    /// <remarks>Python's <c>concurrent.futures.as_completed(fs, timeout)</c>.</remarks>
    public static IEnumerable<Future<T>> AsCompleted<T>(IEnumerable<Future<T>> futures, TimeSpan? timeout = null)
    {
        var deadline = Deadline.After(timeout);
        var all = Distinct(futures);
        return YieldCompleted(all, deadline).Cast<Future<T>>();
    }

    /// <inheritdoc cref="AsCompleted{T}(IEnumerable{Future{T}}, TimeSpan?)"/>
    public static IEnumerable<Future> AsCompleted(IEnumerable<Future> futures, TimeSpan? timeout = null)
    {
        var deadline = Deadline.After(timeout);
        return YieldCompleted(Distinct(futures), deadline);
    }

    /// <summary>The asynchronous form of <see cref="AsCompleted{T}(IEnumerable{Future{T}}, TimeSpan?)"/>.</summary>
    /// <remarks>Python's <c>as_completed</c>; <paramref name="cancellationToken"/> stops the wait, not the futures.</remarks>
    public static IAsyncEnumerable<Future<T>> AsCompletedAsync<T>(IEnumerable<Future<T>> futures,
                                      TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var deadline = Deadline.After(timeout);
        return YieldCompletedAsync<T>(Distinct(futures), deadline, cancellationToken);
    }

    private static HashSet<Future> Distinct<TFuture>(IEnumerable<TFuture> futures)
        where TFuture : Future
    {
        ArgumentNullException.ThrowIfNull(futures);
        var all = new HashSet<Future>(ReferenceEqualityComparer.Instance);
        foreach (var future in futures)
        {
            all.Add(future ?? throw new ArgumentException("The sequence of futures contains null.", nameof(futures)));
        }

        return all;
    }

    private static IEnumerable<Future> YieldCompleted(HashSet<Future> all, Deadline deadline)
    {
        using var waiter = new AsCompletedWaiter();
        var total = all.Count;
        try
        {
            // Futures already done are reported during Install, so they come out first.
            foreach (var future in all)
            {
                future.Install(waiter);
            }

            while (all.Count > 0)
            {
                var next = waiter.Next(deadline) ?? throw Unfinished(all.Count, total);
                Forget(all, next, waiter);
                yield return next;
            }
        }
        finally
        {
            UninstallAll(all, waiter);
        }
    }

    private static async IAsyncEnumerable<Future<T>> YieldCompletedAsync<T>(HashSet<Future> all, Deadline deadline,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var waiter = new AsCompletedWaiter();
        var total = all.Count;
        try
        {
            foreach (var future in all)
            {
                future.Install(waiter);
            }

            while (all.Count > 0)
            {
                var next = await waiter.NextAsync(deadline, cancellationToken).ConfigureAwait(false)
                    ?? throw Unfinished(all.Count, total);
                Forget(all, next, waiter);
                yield return (Future<T>)next;
            }
        }
        finally
        {
            UninstallAll(all, waiter);
        }
    }

    // A yielded future is let go at once, as CPython does, so a long iteration does not keep every result alive.
    private static void Forget(HashSet<Future> pending, Future yielded, Waiter waiter)
    {
        pending.Remove(yielded);
        yielded.Uninstall(waiter);
    }

    private static void UninstallAll(HashSet<Future> pending, Waiter waiter)
    {
        foreach (var future in pending)
        {
            future.Uninstall(waiter);
        }
    }

    private static TimeoutException Unfinished(int pending, int total) => new($"{pending} (of {total}) futures unfinished");
}
