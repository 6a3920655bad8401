namespace ActorPool.Hosting;

/// <summary>
/// How a <see cref="ThreadPoolExecutor"/> is built: by
/// <see cref="ActorPoolHostingExtensions.WithThreadPoolExecutor(Akka.Hosting.AkkaConfigurationBuilder, string, ThreadPoolExecutorOptions)"/>
/// in the hosted actor system, or by <see cref="ActorPoolBuilder.AddThreadPoolExecutor"/> in one of its own, where these
/// are named options (the executor's name) that configuration can bind (<c>ActorPool:Executors:{name}</c>). A null
/// property keeps the default from the actor system's HOCON (<c>actorpool.thread-pool</c>).
/// </summary>
public sealed class ThreadPoolExecutorOptions
{
    /// <summary>Worker threads; null keeps <c>actorpool.thread-pool.max-workers</c>.</summary>
    public int? MaxWorkers { get; set; }

    /// <summary>Thread name prefix; null keeps <c>actorpool.thread-pool.thread-name-prefix</c>.</summary>
    public string? ThreadNamePrefix { get; set; }

    /// <summary>Runs once on each worker thread before its first call; null runs nothing. Code only: configuration cannot set it.</summary>
    public Action? Initializer { get; set; }

    /// <summary>The most calls queued at once (<see cref="ExecutorPolicy.MaxQueuedCalls"/>); null for no limit.</summary>
    public int? MaxQueuedCalls { get; set; }

    /// <summary>What <c>Submit</c> does when <see cref="MaxQueuedCalls"/> calls are queued (<see cref="ExecutorPolicy.WhenFull"/>).</summary>
    public QueueFullMode WhenFull { get; set; }

    /// <summary>The executor's policy from these options; null when they set none.</summary>
    internal ExecutorPolicy? Policy => MaxQueuedCalls is null && WhenFull == QueueFullMode.Wait
        ? null
        : new ExecutorPolicy { MaxQueuedCalls = MaxQueuedCalls, WhenFull = WhenFull };

    /// <summary>
    /// Makes this executor the one the service provider gives for <see cref="ThreadPoolExecutor"/> (and for
    /// <see cref="Executor"/>) when asked without a name while several are registered. One executor alone of its type
    /// is its default without it.
    /// </summary>
    public bool Default { get; set; }
}
