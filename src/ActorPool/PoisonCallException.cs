namespace ActorPool;

/// <summary>
/// A retried call whose worker died under it <see cref="ExecutorPolicy.MaxWorkerDeathsPerCall"/> times: it is taken to
/// be what kills them, and failed rather than tried on yet another worker. The pool itself goes on.
/// </summary>
/// <remarks>
/// Beyond Python (Dask's <c>allowed-failures</c>). The message names each death's exit code (a process pool) or node (a
/// cluster pool); <see cref="Exception.InnerException"/> is the last death's own error, and <see cref="Exception.Data"/>
/// carries the attempt count under <see cref="CallRetries.AttemptsKey"/>. Only a call with a retry policy can become a
/// poison call: without one, a worker's death fails its call at once, as it always has.
/// </remarks>
public sealed class PoisonCallException : BrokenExecutorException
{
    /// <summary>Creates the exception with a default message.</summary>
    public PoisonCallException()
        : base("The call killed every worker it ran on and was failed as a poison call.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public PoisonCallException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the last worker death's error.</summary>
    public PoisonCallException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal PoisonCallException(string message, IReadOnlyList<Exception> deaths, IReadOnlyList<int> exitCodes, IReadOnlyList<string> nodes)
        : base(message, deaths[^1])
    {
        WorkerDeaths = deaths.Count;
        ExitCodes = exitCodes;
        Nodes = nodes;
    }

    /// <summary>How many workers died while running the call.</summary>
    public int WorkerDeaths { get; }

    /// <summary>A process pool's: the exit code of each worker process that died running the call, in order; empty elsewhere.</summary>
    public IReadOnlyList<int> ExitCodes { get; } = [];

    /// <summary>A cluster pool's: the address of the node of each worker that died running the call, in order; empty elsewhere.</summary>
    public IReadOnlyList<string> Nodes { get; } = [];
}
