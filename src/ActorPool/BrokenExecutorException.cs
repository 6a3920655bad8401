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
}
