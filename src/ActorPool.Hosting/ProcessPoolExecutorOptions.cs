namespace ActorPool.Hosting;

/// <summary>How <see cref="ActorPoolHostingExtensions.WithProcessPoolExecutor(Akka.Hosting.AkkaConfigurationBuilder, string, ProcessPoolExecutorOptions)"/>
/// builds its executor. A null property keeps the default from the actor system's HOCON (<c>actorpool.process-pool</c>).</summary>
public sealed class ProcessPoolExecutorOptions
{
    /// <summary>Worker processes; null keeps <c>actorpool.process-pool.max-workers</c>, whose default is
    /// <see cref="Environment.ProcessorCount"/>.</summary>
    public int? MaxWorkers { get; set; }

    /// <summary>A static method (or capture-free lambda) run in each worker process before its first call; null runs nothing.</summary>
    public Action? Initializer { get; set; }

    /// <summary>Calls a worker process runs before it is replaced by a fresh one; null never replaces it.</summary>
    public int? MaxTasksPerChild { get; set; }
}
