using ActorPool.Calls;
using ActorPool.Waiting;

namespace ActorPool;

// Executor.map, built on the same submission path as Submit.
public abstract partial class Executor
{
    /// <summary>
    /// Runs <paramref name="fn"/> over <paramref name="items"/> and yields the results in input order. Every call is
    /// submitted before this returns, unless <paramref name="bufferSize"/> bounds how many items run ahead of the
    /// consumer. An item's exception is thrown when iteration reaches it and ends the iteration; <paramref name="timeout"/>
    /// is measured from this call. Either way, and when the enumerator is disposed early, the calls not yet started are canceled.
    /// </summary>
    /// <param name="fn">The function to run on each item.</param>
    /// <param name="items">The arguments, one call each.</param>
    /// <param name="timeout">How long, from this call, all results may take; null waits forever.</param>
    /// <param name="chunkSize">Items sent to a worker in one message; the whole chunk fails if one item throws.</param>
    /// <param name="bufferSize">If set, at most this many items are submitted ahead of the consumer (lazy input works).</param>
    /// <param name="progress">If set, told how many items have completed of how many (see <see cref="MapProgress"/>), from the
    /// .NET thread pool, one report at a time and each newer than the last; when the iteration completes it has been told (n, n).</param>
    /// <remarks>Python's <c>Executor.map(fn, *iterables, timeout, chunksize, buffersize)</c>; <paramref name="progress"/> is beyond Python.</remarks>
    public IEnumerable<TResult> Map<T, TResult>(Func<T, TResult> fn, IEnumerable<T> items,
        TimeSpan? timeout = null, int chunkSize = 1, int? bufferSize = null, IProgress<MapProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(items);
        var deadline = Deadline.After(timeout);
        var window = Window(chunkSize, bufferSize);
        var reporter = progress is null ? null : new MapProgressReporter(progress, Log);
        return chunkSize == 1
            ? MapCalls(items, item => new Call<T, TResult>(fn, item), static _ => 1, deadline, window, reporter)
            : MapCalls(items.Chunk(chunkSize), chunk => new MapChunk<T, TResult>(fn, chunk), static chunk => chunk.Length, deadline, window, reporter)
                .SelectMany(static c => c);
    }

    /// <summary>Runs <paramref name="fn"/> over pairs drawn from two sequences; the shorter sequence ends it.</summary>
    /// <inheritdoc cref="Map{T, TResult}(Func{T, TResult}, IEnumerable{T}, TimeSpan?, int, int?, IProgress{MapProgress}?)"/>
    public IEnumerable<TResult> Map<T1, T2, TResult>(Func<T1, T2, TResult> fn, IEnumerable<T1> items1,
        IEnumerable<T2> items2, TimeSpan? timeout = null, int chunkSize = 1, int? bufferSize = null, IProgress<MapProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(items1);
        ArgumentNullException.ThrowIfNull(items2);
        var deadline = Deadline.After(timeout);
        var window = Window(chunkSize, bufferSize);
        var pairs = items1.Zip(items2);
        var reporter = progress is null ? null : new MapProgressReporter(progress, Log);
        return chunkSize == 1
            ? MapCalls(pairs, pair => new Call<T1, T2, TResult>(fn, pair.First, pair.Second), static _ => 1, deadline, window, reporter)
            : MapCalls(pairs.Chunk(chunkSize), chunk => new MapChunk<T1, T2, TResult>(fn, chunk), static chunk => chunk.Length, deadline, window, reporter)
                .SelectMany(static c => c);
    }

    /// <summary>Validates the batching arguments; returns how many messages may run ahead of the consumer (null: all).</summary>
    private static int? Window(int chunkSize, int? bufferSize)
    {
        if (chunkSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "chunkSize must be >= 1.");
        }

        if (bufferSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, "bufferSize must be null or >= 1 (it counts items).");
        }

        return bufferSize is { } items ? (items + chunkSize - 1) / chunkSize : null;
    }

    private IEnumerable<TOut> MapCalls<TIn, TOut>(IEnumerable<TIn> inputs, Func<TIn, WorkItem<TOut>> call, Func<TIn, int> size, Deadline deadline,
        int? window, MapProgressReporter? reporter)
    {
        var source = inputs.GetEnumerator();
        var futures = new Queue<Future<TOut>>();
        var submit = reporter is null ? (Func<TIn, Future<TOut>>)(input => Post(call(input))) : input =>
        {
            var future = Post(call(input));
            reporter.Track(future, size(input));
            return future;
        };
        try
        {
            while ((window is null || futures.Count < window) && source.MoveNext())
            {
                futures.Enqueue(submit(source.Current));
            }
        }
        catch
        {
            CancelAll(futures);
            source.Dispose();
            throw;
        }

        if (window is null)
        {
            source.Dispose();
            reporter?.AllSubmitted();
            return Results(futures, null, submit, deadline, reporter);
        }

        return Results(futures, source, submit, deadline, reporter);
    }

    private static IEnumerable<TOut> Results<TIn, TOut>(Queue<Future<TOut>> futures, IEnumerator<TIn>? source,
        Func<TIn, Future<TOut>> submit, Deadline deadline, MapProgressReporter? reporter)
    {
        try
        {
            while (futures.Count > 0)
            {
                // Top the buffer up before taking the oldest, as CPython does: if the input throws here, the
                // oldest is still in the queue and the finally below cancels it with the rest.
                if (source is not null && source.MoveNext())
                {
                    futures.Enqueue(submit(source.Current));
                }
                else
                {
                    reporter?.AllSubmitted();
                }

                var future = futures.Dequeue();
                TOut result;
                try
                {
                    result = future.Result(deadline.Remaining);
                }
                finally
                {
                    future.Cancel(); // a no-op once done; on timeout it cancels the awaited call too
                }

                yield return result;
            }

            reporter?.Finish();
        }
        finally
        {
            CancelAll(futures);
            source?.Dispose();
        }
    }

    private static void CancelAll<TOut>(Queue<Future<TOut>> futures)
    {
        foreach (var future in futures)
        {
            future.Cancel();
        }
    }
}
