using ActorPool.Wire;

namespace ActorPool.ProcessPool;

/// <summary>What every <see cref="WorkerProcessProxy"/> of one pool shares; <c>Prestarted</c> holds the processes the
/// executor started before its actor system was up, for the first proxies to take; <c>Capacity</c> is how many calls the
/// router lets one worker hold (the one it runs and those sent ahead). <c>Meter</c> is the executor's, for worker restarts;
/// <c>Log</c> is its logger; <c>WorkerLog</c> takes the records its worker processes send (<c>ActorPool.Worker</c>); <c>MemoryLimits</c> is null
/// unless the pool's policy limits its workers' memory.</summary>
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
    Microsoft.Extensions.Logging.ILogger WorkerLog,
    WorkerMemoryLimits? MemoryLimits = null)
{
    /// <summary>Counts down the pool's first workers registering; at zero the spares for the next pool may boot.</summary>
    public StartupCount Startup { get; } = new();

    /// <summary>The worker processes let go as their proxies stopped, until each has exited; the executor's shutdown waits for them.</summary>
    public WorkerExits Exits { get; } = new();
}

/// <summary>
/// The exits of worker processes that were let go, awaited together: proxies stopping with their pool let every worker
/// go at once, and one process's exit does not wait for another's (a worker over DotNetty shuts its actor system down
/// first, and one that does not exit waits out the stop timeout before it is killed).
/// </summary>
internal sealed class WorkerExits
{
    private readonly List<Task> exits = [];

    public void Add(Task exit)
    {
        lock (exits)
        {
            exits.RemoveAll(task => task.IsCompleted); // a long-lived pool whose proxies stop now and then keeps no history
            exits.Add(exit);
        }
    }

    /// <summary>Completes once every worker let go so far has exited (or been killed after the stop timeout).</summary>
    public Task WhenAll()
    {
        lock (exits)
        {
            return Task.WhenAll(exits);
        }
    }
}

/// <summary>A shared counter the proxies decrement with <see cref="Interlocked"/>.</summary>
internal sealed class StartupCount
{
#pragma warning disable CA1051 // a field, for Interlocked
    public int Pending;
#pragma warning restore CA1051
}

/// <summary>The memory a worker process may use (<see cref="ExecutorPolicy.WorkerMemorySoftLimit"/> and
/// <see cref="ExecutorPolicy.WorkerMemoryHardLimit"/>), and how often its proxy reads it.</summary>
internal sealed record WorkerMemoryLimits(long? Soft, long? Hard, TimeSpan CheckInterval)
{
    /// <summary>The limits of <paramref name="policy"/>, or null if it sets none (and no proxy reads any memory).</summary>
    public static WorkerMemoryLimits? From(ExecutorPolicy policy, TimeSpan checkInterval) =>
        policy.LimitsWorkerMemory ? new(policy.WorkerMemorySoftLimit, policy.WorkerMemoryHardLimit, checkInterval) : null;
}
