namespace ActorPool.Hosting;

/// <summary>
/// How a <see cref="ProcessPoolExecutor"/> is built: by
/// <see cref="ActorPoolHostingExtensions.WithProcessPoolExecutor(Akka.Hosting.AkkaConfigurationBuilder, string, ProcessPoolExecutorOptions)"/>
/// in the hosted actor system, or by <see cref="ActorPoolBuilder.AddProcessPoolExecutor"/> in one of its own, where these
/// are named options (the executor's name) that configuration can bind (<c>ActorPool:Executors:{name}</c>). A null
/// property keeps the default from the actor system's HOCON (<c>actorpool.process-pool</c>).
/// </summary>
public sealed class ProcessPoolExecutorOptions
{
    /// <summary>Worker processes; null keeps <c>actorpool.process-pool.max-workers</c>, whose default is
    /// <see cref="Environment.ProcessorCount"/>.</summary>
    public int? MaxWorkers { get; set; }

    /// <summary>A static method (or capture-free lambda) run in each worker process before its first call; null runs nothing.
    /// Code only: configuration cannot set it.</summary>
    public Action? Initializer { get; set; }

    /// <summary>Calls a worker process runs before it is replaced by a fresh one; null never replaces it.</summary>
    public int? MaxTasksPerChild { get; set; }

    /// <summary>The most calls queued at once (<see cref="ExecutorPolicy.MaxQueuedCalls"/>); null for no limit.</summary>
    public int? MaxQueuedCalls { get; set; }

    /// <summary>What <c>Submit</c> does when <see cref="MaxQueuedCalls"/> calls are queued (<see cref="ExecutorPolicy.WhenFull"/>).</summary>
    public QueueFullMode WhenFull { get; set; }

    /// <summary>Bytes of resident memory a worker process may use before it is recycled after its current call; null for no
    /// limit (<see cref="ExecutorPolicy.WorkerMemorySoftLimit"/>).</summary>
    public long? WorkerMemorySoftLimit { get; set; }

    /// <summary>Bytes of resident memory past which a worker process running a call is killed, failing that call with a
    /// <see cref="WorkerMemoryExceededException"/>; null for no limit (<see cref="ExecutorPolicy.WorkerMemoryHardLimit"/>).</summary>
    public long? WorkerMemoryHardLimit { get; set; }

    /// <summary>The executor's policy from these options; null when they set none.</summary>
    internal ExecutorPolicy? Policy => MaxQueuedCalls is null && WhenFull == QueueFullMode.Wait && WorkerMemorySoftLimit is null && WorkerMemoryHardLimit is null
        ? null
        : new ExecutorPolicy
        {
            MaxQueuedCalls = MaxQueuedCalls,
            WhenFull = WhenFull,
            WorkerMemorySoftLimit = WorkerMemorySoftLimit,
            WorkerMemoryHardLimit = WorkerMemoryHardLimit,
        };

    /// <summary>
    /// Makes this executor the one the service provider gives for <see cref="ProcessPoolExecutor"/> (and for
    /// <see cref="Executor"/>) when asked without a name while several are registered. One executor alone of its type
    /// is its default without it.
    /// </summary>
    public bool Default { get; set; }
}
