namespace ActorPool.Calls;

/// <summary>
/// A running call as <see cref="CallContext"/> sees it, wherever it runs: a <see cref="WorkItem"/> on a thread of this
/// process, or the call a worker process or a cluster node runs for a proxy in its parent.
/// </summary>
internal interface ICallScope
{
    /// <summary>The call's own token; <see cref="CancellationToken.None"/> for a call nothing can stop.</summary>
    CancellationToken Token { get; }

    /// <summary>Takes a progress value the call reported (<paramref name="declared"/> is its static type); must not throw.</summary>
    void ReportProgress(object? value, Type declared);
}
