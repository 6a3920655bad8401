using Microsoft.Extensions.Logging;

namespace ActorPool.Logging;

/// <summary>
/// Where a record goes that belongs to no executor while <see cref="ActorPoolLogging.DefaultLoggerFactory"/> is unset:
/// warnings and errors to standard error, one line and the exception, as Python's <c>logging.lastResort</c> handler
/// does when nothing is configured; anything below Warning is dropped. Only a future no executor made uses it (a
/// done-callback that throws), so an error of the user's own code is never lost silently.
/// </summary>
internal sealed class LastResortLoggerFactory : ILoggerFactory
{
    public static readonly LastResortLoggerFactory Instance = new();

    public ILogger CreateLogger(string categoryName) => new LastResortLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("Set ActorPoolLogging.DefaultLoggerFactory to a factory of your own to add providers.");

    public void Dispose()
    {
    }

    private sealed class LastResortLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Warning and < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var text = $"{logLevel}: {category}[{eventId.Id}] {formatter(state, exception)}";
            Console.Error.WriteLine(exception is null ? text : $"{text}{Environment.NewLine}{exception}");
        }
    }
}
