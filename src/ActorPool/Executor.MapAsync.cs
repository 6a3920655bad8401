using System.Runtime.CompilerServices;
using ActorPool.Calls;

namespace ActorPool;

// Map for `await foreach`: lazy and bounded, its calls stopped together through one token.
public abstract partial class Executor
{
    /// <summary>Calls (or chunks) a MapAsync keeps ahead of its consumer when not told: two per worker, at most this many.</summary>
    private const int MaxDefaultWindow = 1024;

    /// <summary>
    /// Runs <paramref name="fn"/> over <paramref name="items"/> and yields the results in input order, for <c>await foreach</c>.
    /// Lazy: items are read as results are taken, at most <paramref name="bufferSize"/> ahead of the consumer. An item's
    /// exception is thrown when iteration reaches it and ends the iteration. Canceling <paramref name="cancellationToken"/>,
    /// or leaving the loop early, cancels the calls not yet started and stops those running (as a
    /// <see cref="CallOptions.CancellationToken"/> does).
    /// </summary>
    /// <param name="fn">The function to run on each item.</param>
    /// <param name="items">The arguments, one call each.</param>
    /// <param name="bufferSize">Results that may be ready or running ahead of the consumer; null takes twice the workers (at most 1,024 calls or chunks).</param>
    /// <param name="cancellationToken">Stops the iteration and its calls.</param>
    /// <param name="chunkSize">Items sent to a worker in one message, as <c>Map</c>'s.</param>
    /// <param name="callOptions">Options for every call (a <see cref="CallOptions.Timeout"/> applies to each call or chunk);
    /// their token stops the iteration too.</param>
    /// <param name="progress">If set, told how many items have completed of how many (see <see cref="MapProgress"/>; the total is
    /// known once the source has ended), from the .NET thread pool, one report at a time and each newer than the last; when the
    /// iteration completes it has been told (n, n).</param>
    /// <remarks>Beyond Python: <c>Executor.map</c> with <c>buffersize</c>, as an async stream.</remarks>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "API.md pins (fn, items, bufferSize, cancellationToken); the options added after it stay optional.")]
    public IAsyncEnumerable<TResult> MapAsync<T, TResult>(Func<T, TResult> fn, IEnumerable<T> items,
        int? bufferSize = null, CancellationToken cancellationToken = default, int chunkSize = 1, CallOptions? callOptions = null,
        IProgress<MapProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        return MapAsync(fn, Async(items), bufferSize, cancellationToken, chunkSize, callOptions, progress);
    }

    /// <summary>Runs <paramref name="fn"/> over an async sequence of <paramref name="items"/>, read as results are taken.</summary>
    /// <inheritdoc cref="MapAsync{T, TResult}(Func{T, TResult}, IEnumerable{T}, int?, CancellationToken, int, CallOptions?, IProgress{MapProgress}?)"/>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "API.md pins (fn, items, bufferSize, cancellationToken); the options added after it stay optional.")]
    public IAsyncEnumerable<TResult> MapAsync<T, TResult>(Func<T, TResult> fn, IAsyncEnumerable<T> items,
        int? bufferSize = null, CancellationToken cancellationToken = default, int chunkSize = 1, CallOptions? callOptions = null,
        IProgress<MapProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(items);
        callOptions?.Validate();
        var window = Window(chunkSize, bufferSize) ?? Math.Clamp(2 * MaxWorkers, 1, MaxDefaultWindow);
        var reporter = progress is null ? null : new MapProgressReporter(progress, Log);
        return chunkSize == 1
            ? MapCallsAsync(items, item => new Call<T, TResult>(fn, item), static _ => 1, window, callOptions, reporter, cancellationToken)
            : Flatten(MapCallsAsync(Chunks(items, chunkSize), chunk => new MapChunk<T, TResult>(fn, chunk), static chunk => chunk.Length, window, callOptions,
                reporter, cancellationToken));
    }

    private async IAsyncEnumerable<TOut> MapCallsAsync<TIn, TOut>(IAsyncEnumerable<TIn> inputs, Func<TIn, WorkItem<TOut>> call, Func<TIn, int> size, int window,
        CallOptions? callOptions, MapProgressReporter? reporter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // One token for every call of this map: the caller's, the enumerator's and the options', and the map's own, canceled
        // when it ends early (an exception, a break, a dispose) so the calls still queued or running stop with it.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callOptions?.CancellationToken ?? default);
        var options = (callOptions ?? new CallOptions()) with { CancellationToken = stop.Token };
        var futures = new Queue<Future<TOut>>();
        var source = inputs.GetAsyncEnumerator(stop.Token);
        async ValueTask<Future<TOut>> Next(TIn input)
        {
            // With a limit on queued calls (ExecutorPolicy.MaxQueuedCalls), room is awaited here rather than blocked for in Submit.
            await TakeRoomAsync(stop.Token).ConfigureAwait(false);
            var future = Submit(call(input), options, TakenRoom);
            reporter?.Track(future, size(input));
            return future;
        }

        try
        {
            var more = true;
            while (futures.Count < window && (more = await source.MoveNextAsync().ConfigureAwait(false)))
            {
                futures.Enqueue(await Next(source.Current).ConfigureAwait(false));
            }

            while (futures.TryDequeue(out var future))
            {
                // Top the buffer up before taking the oldest, as Map does.
                if (more && (more = await source.MoveNextAsync().ConfigureAwait(false)))
                {
                    futures.Enqueue(await Next(source.Current).ConfigureAwait(false));
                }

                if (!more)
                {
                    reporter?.AllSubmitted();
                }

                yield return await future.Task.WaitAsync(stop.Token).ConfigureAwait(false);
            }

            reporter?.Finish();
        }
        finally
        {
            if (futures.Count > 0)
            {
                await stop.CancelAsync().ConfigureAwait(false); // cancels the queued calls at once and asks the running ones to stop
            }

            await source.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async IAsyncEnumerable<T> Async<T>(IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            yield return item;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static async IAsyncEnumerable<T[]> Chunks<T>(IAsyncEnumerable<T> items, int size, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var chunk = new List<T>(size);
        await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            chunk.Add(item);
            if (chunk.Count == size)
            {
                yield return [.. chunk];
                chunk.Clear();
            }
        }

        if (chunk.Count > 0)
        {
            yield return [.. chunk];
        }
    }

    private static async IAsyncEnumerable<T> Flatten<T>(IAsyncEnumerable<T[]> chunks, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in chunk)
            {
                yield return item;
            }
        }
    }
}
