namespace ActorPool.Hosting;

/// <summary>How <see cref="ActorPoolHostingExtensions.WithThreadPoolExecutor(Akka.Hosting.AkkaConfigurationBuilder, string, ThreadPoolExecutorOptions)"/>
/// builds its executor. A null property keeps the default from the actor system's HOCON (<c>actorpool.thread-pool</c>).</summary>
public sealed class ThreadPoolExecutorOptions
{
    /// <summary>Worker threads; null keeps <c>actorpool.thread-pool.max-workers</c>.</summary>
    public int? MaxWorkers { get; set; }

    /// <summary>Thread name prefix; null keeps <c>actorpool.thread-pool.thread-name-prefix</c>.</summary>
    public string? ThreadNamePrefix { get; set; }

    /// <summary>Runs once on each worker thread before its first call; null runs nothing.</summary>
    public Action? Initializer { get; set; }
}
