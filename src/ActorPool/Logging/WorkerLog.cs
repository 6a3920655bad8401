using Microsoft.Extensions.Logging;

namespace ActorPool.Logging;

/// <summary>
/// What a worker process logs about itself, category <c>ActorPool.Worker</c>. Event ids 300–399. In the worker these
/// go to its parent (<see cref="WorkerLogForwarder"/>), which logs each one with the worker's pid as
/// <see cref="Forwarded"/>, at the worker's level.
/// </summary>
internal static partial class WorkerLog
{
    [LoggerMessage(EventId = 301, EventName = "WorkerInitializerFailed", Level = LogLevel.Error, Message = "Exception in initializer of worker process {WorkerPid}")]
    public static partial void InitializerFailed(ILogger logger, Exception exception, int workerPid);

    [LoggerMessage(EventId = 302, EventName = "CallRefused", Level = LogLevel.Warning, Message = "Worker process {WorkerPid} ignored a call without its pool's secret")]
    public static partial void CallRefused(ILogger logger, int workerPid);

    /// <summary>In the worker: a progress value could not be serialized for its parent (logged once per call).</summary>
    [LoggerMessage(EventId = 305, EventName = "ProgressValueDropped", Level = LogLevel.Warning,
        Message = "Dropped a progress value of type {ValueType} that call {CallId} reported: it cannot be sent to the parent ({Reason}; " +
            "the limit is actorpool.process-pool.max-payload-size, {MaxPayload} bytes). The call goes on; this is logged once per call")]
    public static partial void ProgressValueDropped(ILogger logger, string valueType, long callId, string reason, long maxPayload);

    /// <summary>In the parent: a record a worker process sent, at the level it had there.</summary>
    [LoggerMessage(EventId = 303, EventName = "WorkerRecord", Message = "[worker {WorkerPid}] {Source}: {Text}")]
    public static partial void Forwarded(ILogger logger, LogLevel level, int workerPid, string source, string text);

    /// <summary>In the parent: a worker logged faster than it may send, and left out this many records.</summary>
    [LoggerMessage(EventId = 304, EventName = "WorkerRecordsDropped", Level = LogLevel.Warning,
        Message = "[worker {WorkerPid}] left out {Dropped} log record(s): it logged faster than its parent takes them")]
    public static partial void Dropped(ILogger logger, int workerPid, int dropped);
}
