using ActorPool.Wire;

namespace ActorPool.ProcessPool;

/// <summary>What every <see cref="WorkerProcessProxy"/> of one pool shares; <c>Prestarted</c> holds the processes the
/// executor started before its actor system was up, for the first proxies to take; <c>Capacity</c> is how many calls the
/// router lets one worker hold (the one it runs and those sent ahead). <c>Meter</c> is the executor's, for worker restarts;
/// <c>Log</c> is its logger; <c>WorkerLog</c> takes the records its worker processes send (<c>ActorPool.Worker</c>).</summary>
internal sealed record ProcessPoolContext(
    WorkerLauncher Launcher,
    System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Process> Prestarted,
    string Secret,
    CallDescriptor? Initializer,
    int MaxTasksPerChild,
    long MaxPayloadSize,
    TimeSpan StartupTimeout,
    TimeSpan StopTimeout,
    int SpareWorkers,
    int Capacity,
    Telemetry.ExecutorMeter Meter,
    Microsoft.Extensions.Logging.ILogger Log,
    Microsoft.Extensions.Logging.ILogger WorkerLog)
{
    /// <summary>Counts down the pool's first workers registering; at zero the spares for the next pool may boot.</summary>
    public StartupCount Startup { get; } = new();
}

/// <summary>A shared counter the proxies decrement with <see cref="Interlocked"/>.</summary>
internal sealed class StartupCount
{
#pragma warning disable CA1051 // a field, for Interlocked
    public int Pending;
#pragma warning restore CA1051
}
