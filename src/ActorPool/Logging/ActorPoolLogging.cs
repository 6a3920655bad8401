using ActorPool.Logging;
using Microsoft.Extensions.Logging;

namespace ActorPool;

/// <summary>
/// Where ActorPool's log records go when no executor is there to take them. An executor logs through the
/// <see cref="ILoggerFactory"/> it was given (from DI when hosted), else through its actor system's Akka logging; this
/// class only covers what happens outside any executor: a done-callback that throws on a <see cref="Future{T}"/> made
/// with <c>new Future&lt;T&gt;()</c> (a custom executor's, or a test's).
/// </summary>
/// <remarks>Python logs such a callback's exception to its <c>concurrent.futures</c> logger; this is that logger's factory.</remarks>
public static class ActorPoolLogging
{
    private static ILoggerFactory? defaultFactory;
    private static FactoryLogger? futureLogger;

    /// <summary>
    /// The factory for records that belong to no executor (category <c>ActorPool.Future</c>). Null, the default, writes
    /// their warnings and errors to standard error, as Python's logging does with no handler configured.
    /// </summary>
    public static ILoggerFactory? DefaultLoggerFactory
    {
        get => Volatile.Read(ref defaultFactory);
        set => Volatile.Write(ref defaultFactory, value);
    }

    /// <summary>The logger of a future no executor made, made once for each factory set.</summary>
    internal static ILogger FutureLogger
    {
        get
        {
            var factory = DefaultLoggerFactory;
            var cached = Volatile.Read(ref futureLogger);
            if (cached is null || cached.Factory != factory)
            {
                cached = new FactoryLogger(factory, (factory ?? LastResortLoggerFactory.Instance).CreateLogger(LogCategories.Future));
                Volatile.Write(ref futureLogger, cached);
            }

            return cached.Logger;
        }
    }

    private sealed record FactoryLogger(ILoggerFactory? Factory, ILogger Logger);
}
