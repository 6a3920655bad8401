using ActorPool.Logging;
using Akka.Event;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace ActorPool.Transport;

/// <summary>
/// The logger of the actor systems ActorPool makes (an executor's own, a worker process's, a cluster node's): Akka's
/// records minus the lines Akka.Remote writes whenever a peer closes its connection. In those systems the only peers are
/// worker processes and their parent, or a cluster pool's nodes: they come and go by design (shutdown, maxTasksPerChild,
/// a node leaving, a crash already reported by the pool itself and on the futures it held). That includes DotNetty's
/// warning that it could not half-close a connection the peer had already closed, and remoting's warning that its
/// shutdown flush may have lost messages (a system shuts down only after every call's result has arrived).
/// The rest goes, in order of preference: in a worker process, to its parent's logger
/// (<see cref="WorkerLogForwarder"/>); in an executor's system made for an executor given an
/// <see cref="ILoggerFactory"/>, to that factory, under the logging class's name (<c>Akka.Remote.EndpointWriter</c>, …);
/// else to the console, as Akka's default logger prints it. A user's own actor system keeps its own loggers.
/// </summary>
internal sealed class QuietRemotingLogger : DefaultLogger
{
    private static readonly string[] PeerGone =
        ["Disassociated", "Unable to REMOVE channel", "has failed; address is now gated", "Tried to associate with unreachable remote address",
         "flushing might not have been successful", "Half-close failed on channel"];

    private readonly ILoggerFactory? factory = Context.System.Settings.Setup.Get<LoggerFactorySetup>() is { HasValue: true } setup ? setup.Value.Factory : null;

    protected override void Print(LogEvent logEvent)
    {
        var text = logEvent.Message?.ToString() ?? "";
        if (PeerGone.Any(p => text.Contains(p, StringComparison.Ordinal)) || logEvent.Cause?.GetType().Name == "EndpointDisassociatedException")
        {
            return;
        }

        if (WorkerLogForwarder.Current is { } parent)
        {
            parent.Send(ToLevel(logEvent.LogLevel()), logEvent.LogSource, logEvent.Cause is null ? text : $"{text}{Environment.NewLine}{logEvent.Cause}");
        }
        else if (factory is not null)
        {
            var logger = factory.CreateLogger(logEvent.LogClass?.FullName ?? LogCategories.AkkaPrefix);
            var level = ToLevel(logEvent.LogLevel());
            if (logger.IsEnabled(level))
            {
                AkkaLog.Record(logger, level, logEvent.Cause, logEvent.LogSource, text);
            }
        }
        else
        {
            base.Print(logEvent);
        }
    }

    private static LogLevel ToLevel(AkkaLogLevel level) => level switch
    {
        AkkaLogLevel.DebugLevel => LogLevel.Debug,
        AkkaLogLevel.InfoLevel => LogLevel.Information,
        AkkaLogLevel.WarningLevel => LogLevel.Warning,
        _ => LogLevel.Error,
    };
}
