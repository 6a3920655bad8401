namespace ActorPool.Calls;

/// <summary>
/// A worker's hold on a call it was sent ahead of time and may not have started yet. While the future holds one,
/// <see cref="Future.Cancel()"/> and <see cref="Future.IsRunning"/> ask it, so a prefetched call stays exactly
/// as cancelable as a queued one; the router takes it back through it for a worker that is idle.
/// </summary>
internal abstract class Claim
{
    /// <summary>The worker that holds the call under this claim (set as it takes the call).</summary>
    public object Holder { get; internal set; } = null!;

    /// <summary>True if the worker has started the call (it can no longer be canceled).</summary>
    public abstract bool HasStarted { get; }

    /// <summary>When the worker started the call (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), once <see cref="HasStarted"/>; 0 if it does not say.</summary>
    public virtual long StartedAt => 0;

    /// <summary>Stops the worker from starting the call: true if it will never run there.</summary>
    public abstract bool TryCancel();

    /// <summary>As <see cref="TryCancel"/>, for giving the call to another worker: the future stays pending.</summary>
    public abstract bool TryTakeBack();
}
