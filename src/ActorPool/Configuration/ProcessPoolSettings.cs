using Akka.Configuration;

namespace ActorPool.Configuration;

/// <summary>The <c>actorpool.process-pool</c> section, and the router's dispatcher, as a <see cref="ProcessPoolExecutor"/> reads them.</summary>
internal sealed record ProcessPoolSettings(
    int MaxWorkers, int Prefetch, long MaxPayloadSize, TimeSpan StartupTimeout, TimeSpan StopTimeout, int SpareWorkers, string RouterDispatcher,
    TimeSpan MemoryCheckInterval)
{
    /// <summary>Reads the settings from a configuration that includes the defaults.</summary>
    public static ProcessPoolSettings From(Config root) => new(
        root.GetInt("actorpool.process-pool.max-workers"),
        ActorPoolConfig.NotNegative(root, "process-pool.prefetch"),
        ActorPoolConfig.MaxPayloadSize(root),
        root.GetTimeSpan("actorpool.process-pool.startup-timeout"),
        root.GetTimeSpan("actorpool.process-pool.stop-timeout"),
        Math.Max(0, root.GetInt("actorpool.process-pool.spare-workers")),
        ActorPoolConfig.RouterDispatcher(root),
        ReadMemoryCheckInterval(root));

    /// <summary><c>actorpool.process-pool.memory-check-interval</c>: positive, and short enough for a timer to count.</summary>
    private static TimeSpan ReadMemoryCheckInterval(Config root)
    {
        var interval = root.GetTimeSpan("actorpool.process-pool.memory-check-interval", TimeSpan.FromMilliseconds(100));
        return interval > TimeSpan.Zero && interval <= CallOptions.Longest
            ? interval
            : throw new ConfigurationException(
                $"actorpool.process-pool.memory-check-interval must be positive and at most {CallOptions.Longest.TotalDays:N0} days; it is {interval}.");
    }
}
