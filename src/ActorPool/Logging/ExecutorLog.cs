using Microsoft.Extensions.Logging;

namespace ActorPool.Logging;

/// <summary>What every executor logs, under its own category (<c>ActorPool.ThreadPool</c>, <c>ActorPool.ProcessPool</c>, <c>ActorPool.Cluster</c>). Event ids 1–99.</summary>
internal static partial class ExecutorLog
{
    /// <summary>Python's "exception calling callback for &lt;Future&gt;": the callback's failure is logged, the other callbacks still run.</summary>
    [LoggerMessage(EventId = 1, EventName = "CallbackFailed", Level = LogLevel.Error, Message = "Exception calling callback for {Future}")]
    public static partial void CallbackFailed(ILogger logger, Exception exception, Future future);

    [LoggerMessage(EventId = 3, EventName = "ExecutorShutDown", Level = LogLevel.Debug, Message = "Executor {Executor} has shut down: its calls have settled and its workers have stopped")]
    public static partial void ShutDown(ILogger logger, string executor);
}
