using ActorPool.Logging;
using Microsoft.Extensions.Logging;

namespace ActorPool;

// Where a future logs a done-callback that throws: its executor's logger, or, for a future no executor made, the
// process-wide one of ActorPoolLogging (standard error unless the app sets a factory there).
public abstract partial class Future
{
    private ILogger? log; // its executor's, set as the executor accepts the call; null for a future no executor made

    /// <summary>The logger of a callback's failure.</summary>
    private ILogger CallbackLog => log ?? ActorPoolLogging.FutureLogger;

    /// <summary>Makes <paramref name="logger"/> (its executor's) the future's, before anyone else can add a callback.</summary>
    internal void LogTo(ILogger logger) => log = logger;
}
