using Akka.Actor;
using Akka.Event;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace ActorPool.Logging;

/// <summary>
/// An <see cref="ILoggerFactory"/> over an actor system's own logging: what an executor writes when it was given no
/// factory goes where that system's Akka records go (its configured loggers, at its <c>akka.loglevel</c>), with the
/// category as the log source. Trace and Debug map to Akka's Debug, Critical to its Error; Akka has no scopes.
/// </summary>
internal sealed class AkkaLoggerFactory(ActorSystem system) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new AkkaLogger(Akka.Event.Logging.GetLogger(system, categoryName));

    /// <summary>Refused: the system's loggers are configured in its HOCON, not added here.</summary>
    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("ActorPool's logger factory over an actor system's logging takes no providers: configure the system's akka.loggers instead.");

    public void Dispose()
    {
    }

    private sealed class AkkaLogger(ILoggingAdapter adapter) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && adapter.IsEnabled(ToAkka(logLevel));

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            // The text is already formatted: passed as an argument, so its braces are not read as a template.
            adapter.Log(ToAkka(logLevel), exception, "{0}", formatter(state, exception));
        }

        private static AkkaLogLevel ToAkka(LogLevel level) => level switch
        {
            LogLevel.Trace or LogLevel.Debug => AkkaLogLevel.DebugLevel,
            LogLevel.Information => AkkaLogLevel.InfoLevel,
            LogLevel.Warning => AkkaLogLevel.WarningLevel,
            _ => AkkaLogLevel.ErrorLevel,
        };
    }
}
