using Akka.Actor;
using Akka.Hosting;

namespace ActorPool.Hosting;

/// <summary>Registers ActorPool executors with an Akka.Hosting actor system.</summary>
public static class ActorPoolHostingExtensions
{
    /// <summary>Registers a <see cref="ThreadPoolExecutor"/> named <paramref name="name"/> with the HOCON defaults.</summary>
    public static AkkaConfigurationBuilder WithThreadPoolExecutor(this AkkaConfigurationBuilder builder, string name) =>
        builder.WithThreadPoolExecutor(name, new ThreadPoolExecutorOptions());

    /// <summary>Registers a <see cref="ThreadPoolExecutor"/> named <paramref name="name"/> with <paramref name="maxWorkers"/> threads.</summary>
    public static AkkaConfigurationBuilder WithThreadPoolExecutor(this AkkaConfigurationBuilder builder, string name, int maxWorkers) =>
        builder.WithThreadPoolExecutor(name, new ThreadPoolExecutorOptions { MaxWorkers = maxWorkers });

    /// <summary>
    /// Registers a <see cref="ThreadPoolExecutor"/> named <paramref name="name"/>, running in the hosted actor system.
    /// It is created when the system starts; resolve it with <c>ExecutorRegistry.For(system).Get&lt;ThreadPoolExecutor&gt;(name)</c>
    /// or <c>system.GetExecutor&lt;ThreadPoolExecutor&gt;(name)</c>. It is shut down, its queued work finished, in the
    /// system's coordinated shutdown.
    /// </summary>
    public static AkkaConfigurationBuilder WithThreadPoolExecutor(this AkkaConfigurationBuilder builder, string name, ThreadPoolExecutorOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxWorkers is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxWorkers, "max_workers must be greater than 0");
        }

        var (maxWorkers, prefix, initializer) = (options.MaxWorkers, options.ThreadNamePrefix ?? "", options.Initializer);
        return builder.AddStartup((system, _) => ExecutorRegistry.For(system).Register(name,
            () => new ThreadPoolExecutor(maxWorkers, prefix, initializer, system)));
    }

    /// <summary>The executor registered with <paramref name="system"/> as <paramref name="name"/>.</summary>
    public static TExecutor GetExecutor<TExecutor>(this ActorSystem system, string name)
        where TExecutor : Executor => ExecutorRegistry.For(system).Get<TExecutor>(name);
}
