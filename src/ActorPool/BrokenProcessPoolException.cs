namespace ActorPool;

/// <summary>
/// A <see cref="ProcessPoolExecutor"/> call whose worker process died while holding it (the message names the
/// pid and exit code; the pool replaces the worker and goes on), or a pool whose initializer failed (pending and
/// later calls fail with this, and <c>Submit</c> throws it).
/// </summary>
/// <remarks>Python's <c>concurrent.futures.process.BrokenProcessPool</c>; unlike Python, one dead worker does not break the pool.
/// A worker killed for its memory fails its call with the derived <see cref="WorkerMemoryExceededException"/>.</remarks>
public class BrokenProcessPoolException : BrokenExecutorException
{
    internal const string InitializerFailedMessage = "A process pool initializer failed, the process pool is not usable anymore";

    /// <summary>Creates the exception with the message for a failed initializer.</summary>
    public BrokenProcessPoolException()
        : base(InitializerFailedMessage)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public BrokenProcessPoolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public BrokenProcessPoolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The exit code of the worker process that died holding the call, when that is why; null otherwise.</summary>
    public int? ExitCode { get; internal init; }
}
