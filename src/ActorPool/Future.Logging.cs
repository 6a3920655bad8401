using ActorPool.Logging;
using Microsoft.Extensions.Logging;

namespace ActorPool;

// Where a future logs a done-callback that throws: its executor's logger, or, for a future no executor made, the
// process-wide one of ActorPoolLogging (standard error unless the app sets a factory there).
public abstract partial class Future
{
    /// <summary>The logger of a callback's failure: its executor's (set as it accepts the call), else the process-wide one.</summary>
    private ILogger CallbackLog => owner?.Log ?? ActorPoolLogging.FutureLogger;
}
