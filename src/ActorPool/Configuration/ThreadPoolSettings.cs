using Akka.Configuration;

namespace ActorPool.Configuration;

/// <summary>The <c>actorpool.thread-pool</c> section, and the router's dispatcher, as a <see cref="ThreadPoolExecutor"/> reads them.</summary>
internal sealed record ThreadPoolSettings(int MaxWorkers, int Prefetch, string NamePrefix, int Throughput, TimeSpan ShutdownTimeout, string RouterDispatcher)
{
    /// <summary>Reads the settings from a configuration that includes the defaults.</summary>
    public static ThreadPoolSettings From(Config root) => new(
        root.GetInt("actorpool.thread-pool.max-workers"),
        ActorPoolConfig.NotNegative(root, "thread-pool.prefetch"),
        root.GetString("actorpool.thread-pool.thread-name-prefix", ""),
        Math.Max(1, root.GetInt("actorpool.thread-pool.throughput")),
        root.GetTimeSpan("actorpool.thread-pool.shutdown-timeout"),
        ActorPoolConfig.RouterDispatcher(root));
}
