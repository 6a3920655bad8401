namespace ActorPool;

/// <summary>
/// What <c>Submit</c> does when the executor already has <see cref="ExecutorPolicy.MaxQueuedCalls"/> calls queued
/// (accepted and not yet started): the part of <see cref="System.Threading.Channels.BoundedChannelFullMode"/> that fits
/// calls, which must not be dropped silently.
/// </summary>
/// <remarks>Beyond Python (CPython's request for a bounded executor queue, gh-73781, is open).</remarks>
public enum QueueFullMode
{
    /// <summary><c>Submit</c> blocks until a queued call starts or is canceled and frees room, as a bounded channel's <c>WriteAsync</c> waits.</summary>
    Wait,

    /// <summary><c>Submit</c> throws <see cref="QueueFullException"/> at once.</summary>
    Throw,
}
