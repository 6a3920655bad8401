namespace ActorPool;

/// <summary>A <see cref="ThreadPoolExecutor"/> whose initializer failed: pending and later calls fail with this.</summary>
/// <remarks>Python's <c>concurrent.futures.thread.BrokenThreadPool</c>.</remarks>
public sealed class BrokenThreadPoolException : BrokenExecutorException
{
    internal const string InitializerFailedMessage = "A thread initializer failed, the thread pool is not usable anymore";

    /// <summary>Creates the exception with Python's message for a failed initializer.</summary>
    public BrokenThreadPoolException()
        : base(InitializerFailedMessage)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public BrokenThreadPoolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the initializer's exception.</summary>
    public BrokenThreadPoolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
