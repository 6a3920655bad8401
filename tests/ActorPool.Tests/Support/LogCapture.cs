using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ActorPool.Tests.Support;

/// <summary>
/// A logger provider that keeps every record, with its structured properties, for tests to read back; <see cref="Factory"/>
/// is a logger factory over it alone, at every level.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogRecord> records = new();

    public LogCapture() => Factory = LoggerFactory.Create(builder => builder.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

    /// <summary>A factory that sends everything to this capture.</summary>
    public ILoggerFactory Factory { get; }

    public IReadOnlyList<LogRecord> Records => records.ToArray();

    /// <summary>The records at Warning or above, as lines for an assertion message.</summary>
    public static string Describe(IEnumerable<LogRecord> some) => string.Join(Environment.NewLine, some.Select(r => $"{r.Level} {r.Category}[{r.EventId}]: {r.Message}"));

    /// <summary>Waits (with a generous bound) until a record matches, and returns it.</summary>
    public LogRecord WaitFor(Func<LogRecord, bool> match, string what)
    {
        LogRecord? found = null;
        Contract.SharedState.PollUntil(() => (found = Records.FirstOrDefault(match)) is not null, Contract.Probe.Bound);
        return found ?? throw new Xunit.Sdk.XunitException($"No {what} was logged within {Contract.Probe.Bound}. Logged:{Environment.NewLine}{Describe(Records)}");
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>One record: its category, level, event id, formatted text, exception, and structured properties.</summary>
    public sealed record LogRecord(string Category, LogLevel Level, int EventId, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Properties);

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value)
                : new Dictionary<string, object?>();
            capture.records.Enqueue(new LogRecord(category, logLevel, eventId.Id, formatter(state, exception), exception, properties));
        }
    }
}
