using ActorPool.Telemetry;
using Microsoft.Extensions.Logging;

namespace ActorPool.Calls;

/// <summary>
/// What a future knows of the executor that accepted its call, in one object per executor (a reference per future, where
/// three would add 16 bytes to every call): its meter, its logger, and its count of settles waiting for progress delivery.
/// Nothing of the executor itself, so a future kept after its executor is gone holds no actor system alive.
/// </summary>
internal sealed class CallOwner(ExecutorMeter meter, ILogger log, SettlingCalls settling, QueueLimit? queueLimit = null)
{
    public ExecutorMeter Meter { get; } = meter;

    /// <summary>Where a callback's failure is logged.</summary>
    public ILogger Log { get; } = log;

    /// <summary>Settles that wait for a call's last progress value to be delivered: <c>Shutdown</c> waits for them.</summary>
    public SettlingCalls Settling { get; } = settling;

    /// <summary>The executor's room for queued calls, given back as each call leaves the queue; null without <see cref="ExecutorPolicy.MaxQueuedCalls"/>.</summary>
    public QueueLimit? QueueLimit { get; } = queueLimit;
}
