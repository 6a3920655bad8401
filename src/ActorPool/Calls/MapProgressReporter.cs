using System.Diagnostics;

namespace ActorPool.Calls;

/// <summary>
/// Reports a map's <see cref="MapProgress"/> to the user's <see cref="IProgress{T}"/>: one report at a time, each newer than
/// the one before (more items completed, or the total just known). Calls ending together are reported together (the
/// latest count wins), from the .NET thread pool; the last report, (n, n), is made on the consumer's thread as the
/// iteration completes, so it has been made when the loop over the results ends.
/// </summary>
internal sealed class MapProgressReporter(IProgress<MapProgress> progress, Microsoft.Extensions.Logging.ILogger log)
{
    private readonly object reporting = new();
    private int submitted;
    private int completed;
    private int total = -1; // unknown
    private int queued;
    private MapProgress? last;

    /// <summary>Counts <paramref name="items"/> submitted as <paramref name="future"/>, and reports them completed when it ends (unless canceled).</summary>
    public void Track<T>(Future<T> future, int items)
    {
        submitted += items; // only the map's own thread submits
        future.AddDoneCallback(ended =>
        {
            if (!ended.IsCanceled)
            {
                Interlocked.Add(ref completed, items);
                Queue();
            }
        });
    }

    /// <summary>Every item has been submitted: the total is known.</summary>
    public void AllSubmitted()
    {
        if (Volatile.Read(ref total) < 0)
        {
            Volatile.Write(ref total, submitted);
            Queue();
        }
    }

    /// <summary>The iteration has taken every result, so every item has completed: reports (n, n) on this thread if it was not yet.</summary>
    public void Finish()
    {
        AllSubmitted();
        Volatile.Write(ref completed, total);
        Report();
    }

    private void Queue()
    {
        if (Interlocked.Exchange(ref queued, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static reporter =>
            {
                Volatile.Write(ref reporter.queued, 0); // first: a count that changes from now on queues another report
                reporter.Report();
            }, this, preferLocal: false);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "The user's IProgress may throw anything; it must not stop the map.")]
    private void Report()
    {
        lock (reporting)
        {
            var known = Volatile.Read(ref total);
            var done = Volatile.Read(ref completed);
            var now = new MapProgress(known < 0 ? done : Math.Min(done, known), known < 0 ? null : known);
            if (last is { } before && now.Completed <= before.Completed && (now.Total is null || before.Total is not null))
            {
                return; // nothing new since the last report
            }

            last = now;
            try
            {
                progress.Report(now);
            }
            catch (Exception e)
            {
                Logging.ExecutorLog.MapProgressFailed(log, e, now);
            }
        }
    }
}
