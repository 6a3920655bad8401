namespace ActorPool.Tests.Contract;

/// <summary>
/// Calls for the retry tests: each counts its attempts in a <see cref="SharedState"/> directory, so an attempt in any
/// worker (a thread, a worker process, a cluster node on this machine) adds to the same count.
/// </summary>
internal static class RetryCalls
{
    /// <summary>Throws a <see cref="ProbeException"/> on its first <paramref name="failures"/> attempts; then returns the attempt's number.</summary>
    public static int FailUntil(string attempts, int failures)
    {
        SharedState.Increment(attempts);
        var attempt = SharedState.Count(attempts);
        return attempt <= failures ? throw new ProbeException($"attempt {attempt} failed") : attempt;
    }

    /// <summary>As <see cref="FailUntil"/> with one failure, counted for <paramref name="item"/> alone; returns the item.</summary>
    public static int FailFirstAttempt(string attempts, int item)
    {
        _ = FailUntil(Path.Combine(attempts, item.ToString(System.Globalization.CultureInfo.InvariantCulture)), 1);
        return item;
    }
}
