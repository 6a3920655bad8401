using Microsoft.Extensions.Logging;

namespace ActorPool.Logging;

/// <summary>What every executor logs, under its own category (<c>ActorPool.ThreadPool</c>, <c>ActorPool.ProcessPool</c>, <c>ActorPool.Cluster</c>). Event ids 1–99.</summary>
internal static partial class ExecutorLog
{
    /// <summary>Python's "exception calling callback for &lt;Future&gt;": the callback's failure is logged, the other callbacks still run.</summary>
    [LoggerMessage(EventId = 1, EventName = "CallbackFailed", Level = LogLevel.Error, Message = "Exception calling callback for {Future}")]
    public static partial void CallbackFailed(ILogger logger, Exception exception, Future future);

    [LoggerMessage(EventId = 2, EventName = "ProgressCallbackFailed", Level = LogLevel.Error, Message = "Exception calling progress callback for {Future}")]
    public static partial void ProgressCallbackFailed(ILogger logger, Exception exception, Future future);

    /// <summary>A progress value that cannot be read as one callback's type: skipped for that callback only.</summary>
    [LoggerMessage(EventId = 4, EventName = "ProgressValueSkipped", Level = LogLevel.Warning, Message = "A progress value for {Future} was not given to a callback: {Reason}")]
    public static partial void ProgressValueSkipped(ILogger logger, Future future, string reason);

    [LoggerMessage(EventId = 5, EventName = "MapProgressFailed", Level = LogLevel.Error, Message = "Exception reporting map progress {Progress}")]
    public static partial void MapProgressFailed(ILogger logger, Exception exception, MapProgress progress);

    [LoggerMessage(EventId = 3, EventName = "ExecutorShutDown", Level = LogLevel.Debug, Message = "Executor {Executor} has shut down: its calls have settled and its workers have stopped")]
    public static partial void ShutDown(ILogger logger, string executor);
}
