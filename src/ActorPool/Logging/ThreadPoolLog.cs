using Microsoft.Extensions.Logging;

namespace ActorPool.Logging;

/// <summary>A thread pool's records, category <c>ActorPool.ThreadPool</c>. Event ids 100–199.</summary>
internal static partial class ThreadPoolLog
{
    [LoggerMessage(EventId = 101, EventName = "ThreadInitializerFailed", Level = LogLevel.Error,
        Message = "The initializer failed on a worker thread of {Executor}: the pool is broken, and its pending and later calls fail")]
    public static partial void InitializerFailed(ILogger logger, Exception exception, string executor);

    [LoggerMessage(EventId = 102, EventName = "ThreadAbandoned", Level = LogLevel.Warning,
        Message = "Abandoned the thread of a call to {Method}: it was still running {GracePeriod} after it was asked to stop ({StopCause}). " +
                  "Its future is settled and its result will be discarded; {Abandoned} abandoned thread(s) still running")]
    public static partial void ThreadAbandoned(ILogger logger, string method, TimeSpan gracePeriod, string stopCause, int abandoned);
}
