using Microsoft.Extensions.Logging;

namespace ActorPool.Logging;

/// <summary>Akka's own records from an actor system an executor made for itself, sent to the executor's logger factory. Event id 900.</summary>
internal static partial class AkkaLog
{
    [LoggerMessage(EventId = 900, EventName = "AkkaRecord", Message = "[{LogSource}] {Text}")]
    public static partial void Record(ILogger logger, LogLevel level, Exception? exception, string logSource, string text);
}
