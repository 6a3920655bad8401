using System.Globalization;

namespace ActorPool;

/// <summary>
/// A <see cref="ProcessPoolExecutor"/> call whose worker process was killed because its memory went over the pool's
/// <see cref="ExecutorPolicy.WorkerMemoryHardLimit"/> while it ran the call. The message names the pid, the limit and
/// the memory seen; the pool has started a replacement, and the calls the worker held unstarted run elsewhere.
/// </summary>
/// <remarks>
/// Beyond Python. A worker death like any other <see cref="BrokenProcessPoolException"/>, for a policy that retries calls
/// whose worker died; the memory is the worker's resident set size as its parent sampled it (docs/policies.md, "Memory limits").
/// </remarks>
public sealed class WorkerMemoryExceededException : BrokenProcessPoolException
{
    /// <summary>Creates the exception with a default message.</summary>
    public WorkerMemoryExceededException()
        : base("A worker process was killed because its memory went over the process pool's hard limit while it ran this call.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public WorkerMemoryExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public WorkerMemoryExceededException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for worker <paramref name="processId"/>, seen using <paramref name="memorySeen"/> bytes over <paramref name="limit"/>.</summary>
    /// <param name="processId">The killed worker's pid.</param>
    /// <param name="limit">The pool's <see cref="ExecutorPolicy.WorkerMemoryHardLimit"/>, in bytes.</param>
    /// <param name="memorySeen">The worker's resident memory when its parent saw it over the limit, in bytes.</param>
    /// <param name="exitCode">The killed process's exit code.</param>
    public WorkerMemoryExceededException(int processId, long limit, long memorySeen, int exitCode)
        : base(
            $"Worker process {processId} was killed (exit code {exitCode}) while running this call: its memory ({Describe(memorySeen)} resident) " +
            $"went over the process pool's hard limit (ExecutorPolicy.WorkerMemoryHardLimit, {Describe(limit)}). " +
            "The pool has started a replacement; other calls are not affected (those it held unstarted run on another worker).")
    {
        ProcessId = processId;
        Limit = limit;
        MemorySeen = memorySeen;
    }

    /// <summary>The pid of the worker process that was killed; 0 if not known.</summary>
    public int ProcessId { get; }

    /// <summary>The hard limit the worker went over, in bytes; 0 if not known.</summary>
    public long Limit { get; }

    /// <summary>The worker's resident memory when its parent saw it over the limit, in bytes; 0 if not known.</summary>
    public long MemorySeen { get; }

    /// <summary>Bytes, and the same in MiB for a reader: "1073741824 bytes (1024.0 MiB)".</summary>
    internal static string Describe(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes ({bytes / (1024.0 * 1024.0):0.0} MiB)");
}
