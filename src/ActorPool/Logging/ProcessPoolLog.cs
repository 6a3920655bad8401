using Microsoft.Extensions.Logging;

namespace ActorPool.Logging;

/// <summary>
/// A process pool's records about its worker processes, category <c>ActorPool.ProcessPool</c>. Event ids 200–299. Its
/// normal life (a worker started, a spare taken, a worker retiring after maxTasksPerChild, workers let go at shutdown)
/// is Debug; only what went wrong is a warning or an error.
/// </summary>
internal static partial class ProcessPoolLog
{
    [LoggerMessage(EventId = 201, EventName = "WorkerStarted", Level = LogLevel.Debug, Message = "Started worker process {WorkerPid}")]
    public static partial void WorkerStarted(ILogger logger, int workerPid);

    [LoggerMessage(EventId = 202, EventName = "SpareTaken", Level = LogLevel.Debug, Message = "Took spare worker process {WorkerPid}, booted ahead")]
    public static partial void SpareTaken(ILogger logger, int workerPid);

    [LoggerMessage(EventId = 203, EventName = "WorkerReady", Level = LogLevel.Debug, Message = "Worker process {WorkerPid} is ready")]
    public static partial void WorkerReady(ILogger logger, int workerPid);

    [LoggerMessage(EventId = 204, EventName = "WorkerRetired", Level = LogLevel.Debug,
        Message = "Worker process {WorkerPid} retires after {Calls} calls (maxTasksPerChild)")]
    public static partial void WorkerRetired(ILogger logger, int workerPid, int calls);

    [LoggerMessage(EventId = 205, EventName = "WorkerLetGo", Level = LogLevel.Debug, Message = "Let worker process {WorkerPid} go: the pool is shutting down")]
    public static partial void WorkerLetGo(ILogger logger, int workerPid);

    [LoggerMessage(EventId = 206, EventName = "WorkerCrashed", Level = LogLevel.Error,
        Message = "Worker process {WorkerPid} exited unexpectedly with code {ExitCode}; the {Calls} call(s) it had started fail, and a replacement starts")]
    public static partial void WorkerCrashed(ILogger logger, int workerPid, int exitCode, int calls);

    [LoggerMessage(EventId = 207, EventName = "WorkerExitedBeforeReady", Level = LogLevel.Error,
        Message = "Worker process {WorkerPid} exited with code {ExitCode} before it was ready: the process pool is broken")]
    public static partial void WorkerExitedBeforeReady(ILogger logger, int workerPid, int exitCode);

    [LoggerMessage(EventId = 208, EventName = "InitializerFailed", Level = LogLevel.Error,
        Message = "The initializer failed in worker process {WorkerPid}: the process pool is broken. {Error}")]
    public static partial void InitializerFailed(ILogger logger, int workerPid, string error);

    [LoggerMessage(EventId = 209, EventName = "RegistrationRefused", Level = LogLevel.Warning,
        Message = "Ignored a worker registration from {Sender} (pid {WorkerPid}) without this pool's secret")]
    public static partial void RegistrationRefused(ILogger logger, string sender, int workerPid);

    [LoggerMessage(EventId = 210, EventName = "AnswersRefused", Level = LogLevel.Warning,
        Message = "Ignored answers that claimed to come from worker process {WorkerPid} without its reply key")]
    public static partial void AnswersRefused(ILogger logger, int workerPid);

    [LoggerMessage(EventId = 211, EventName = "WorkerKilledAfterGrace", Level = LogLevel.Warning,
        Message = "Killed worker process {WorkerPid}: its call to {Method} was still running {GracePeriod} after it was asked to stop ({StopCause}). " +
                  "A replacement starts; the calls it held unstarted run elsewhere")]
    public static partial void WorkerKilledAfterGrace(ILogger logger, int workerPid, string method, TimeSpan gracePeriod, string stopCause);

    [LoggerMessage(EventId = 212, EventName = "WorkerDidNotExit", Level = LogLevel.Warning, Message = "Worker process {WorkerPid} did not exit within {Timeout}; killing it")]
    public static partial void WorkerDidNotExit(ILogger logger, int workerPid, TimeSpan timeout);

    [LoggerMessage(EventId = 213, EventName = "SpareStartFailed", Level = LogLevel.Warning,
        Message = "Could not start a spare worker process ({Reason}); the next pool starts its workers itself")]
    public static partial void SpareStartFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 214, EventName = "WorkerStartupTimedOut", Level = LogLevel.Error,
        Message = "Worker process {WorkerPid} did not start within actorpool.process-pool.startup-timeout ({Timeout}): the process pool is broken")]
    public static partial void StartupTimedOut(ILogger logger, int workerPid, TimeSpan timeout);

    [LoggerMessage(EventId = 215, EventName = "WorkersSignaled", Level = LogLevel.Debug, Message = "Sent {Signal} to worker process {WorkerPid}")]
    public static partial void WorkerSignaled(ILogger logger, int workerPid, string signal);

    [LoggerMessage(EventId = 216, EventName = "WorkerOverSoftMemoryLimit", Level = LogLevel.Information,
        Message = "Worker process {WorkerPid} uses {MemoryBytes} bytes of memory, over the soft limit of {LimitBytes} (ExecutorPolicy.WorkerMemorySoftLimit): " +
                  "it is recycled after the call it runs, and the calls it held unstarted go to its successor")]
    public static partial void WorkerOverSoftMemoryLimit(ILogger logger, int workerPid, long memoryBytes, long limitBytes);

    [LoggerMessage(EventId = 217, EventName = "WorkerKilledForMemory", Level = LogLevel.Warning,
        Message = "Killed worker process {WorkerPid}: it uses {MemoryBytes} bytes of memory, over the hard limit of {LimitBytes} (ExecutorPolicy.WorkerMemoryHardLimit), " +
                  "while running {Method}. That call fails with a WorkerMemoryExceededException; a replacement starts; the calls it held unstarted run elsewhere")]
    public static partial void WorkerKilledForMemory(ILogger logger, int workerPid, long memoryBytes, long limitBytes, string method);
}
