namespace ActorPool;

/// <summary>The executor can no longer run calls: a worker's initializer failed, or its actor system went away.</summary>
/// <remarks>Python's <c>concurrent.futures.BrokenExecutor</c> (a <c>RuntimeError</c>; here an <see cref="InvalidOperationException"/>).</remarks>
public class BrokenExecutorException : InvalidOperationException
{
    /// <summary>Creates the exception with a default message.</summary>
    public BrokenExecutorException()
        : base("The executor is broken and can no longer run calls.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public BrokenExecutorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that broke the executor.</summary>
    public BrokenExecutorException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// True for an error that says the whole pool is unusable (its initializer failed, its router stopped), false for one
    /// that says only a call's worker died: <see cref="CallRetries.IsWorkerDeath"/> tells them apart, so a retry never
    /// re-posts into a broken pool. Set by the pool where it makes the error; a subclass made elsewhere is a worker's death.
    /// </summary>
    internal bool IsPoolBroken { get; private set; }

    /// <summary>Marks this error as the whole pool's (see <see cref="IsPoolBroken"/>) and returns it.</summary>
    internal BrokenExecutorException MarkPoolBroken()
    {
        IsPoolBroken = true;
        return this;
    }
}
