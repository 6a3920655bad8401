using ActorPool.Hosting.Registration;
using Akka.Actor;
using Akka.Hosting;
using Akka.Remote;

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
    /// or <c>system.GetExecutor&lt;ThreadPoolExecutor&gt;(name)</c>, or, once <c>services.AddActorPool()</c> is called, inject it
    /// (<c>[FromKeyedServices(name)] ThreadPoolExecutor</c>). It is shut down, its queued work finished, in the
    /// system's coordinated shutdown.
    /// </summary>
    public static AkkaConfigurationBuilder WithThreadPoolExecutor(this AkkaConfigurationBuilder builder, string name, ThreadPoolExecutorOptions options)
    {
        HostedRegistration.CheckArguments(builder, name, options);
        var (maxWorkers, prefix, initializer, policy) = (options.MaxWorkers, options.ThreadNamePrefix ?? "", options.Initializer, options.Policy);
        return HostedRegistration.AddExecutor(builder, name, maxWorkers, initializer: null, options.Default,
            (system, loggerFactory) => new ThreadPoolExecutor(maxWorkers, prefix, initializer, system, loggerFactory, policy));
    }

    /// <summary>Registers a <see cref="ProcessPoolExecutor"/> named <paramref name="name"/> with the HOCON defaults.</summary>
    public static AkkaConfigurationBuilder WithProcessPoolExecutor(this AkkaConfigurationBuilder builder, string name) =>
        builder.WithProcessPoolExecutor(name, new ProcessPoolExecutorOptions());

    /// <summary>Registers a <see cref="ProcessPoolExecutor"/> named <paramref name="name"/> with <paramref name="maxWorkers"/> worker processes.</summary>
    public static AkkaConfigurationBuilder WithProcessPoolExecutor(this AkkaConfigurationBuilder builder, string name, int maxWorkers) =>
        builder.WithProcessPoolExecutor(name, new ProcessPoolExecutorOptions { MaxWorkers = maxWorkers });

    /// <summary>
    /// Registers a <see cref="ProcessPoolExecutor"/> named <paramref name="name"/>, its router in the hosted actor system
    /// and its workers in child processes. It is created when the system starts; resolve it with
    /// <c>system.GetExecutor&lt;ProcessPoolExecutor&gt;(name)</c>, or, once <c>services.AddActorPool()</c> is called, inject it
    /// (<c>[FromKeyedServices(name)] ProcessPoolExecutor</c>). It is shut down, its queued work finished and its
    /// worker processes stopped, in the system's coordinated shutdown.
    /// </summary>
    /// <remarks>
    /// The workers reach their parent over Akka.Remote, so the hosted system must have remoting enabled
    /// (<c>akka.actor.provider = remote</c>, bound to 127.0.0.1). This registration does not turn remoting on for you,
    /// since that changes the whole application's actor system and opens a port; if it is off when the system starts,
    /// the start fails with an <see cref="InvalidOperationException"/> that names the settings to add.
    /// </remarks>
    public static AkkaConfigurationBuilder WithProcessPoolExecutor(this AkkaConfigurationBuilder builder, string name, ProcessPoolExecutorOptions options)
    {
        HostedRegistration.CheckArguments(builder, name, options);
        if (options.MaxTasksPerChild is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxTasksPerChild, "max_tasks_per_child must be >= 1");
        }

        var policy = options.Policy;
        policy?.Validate("process"); // bad limits throw here, at registration, as a bad maxTasksPerChild does
        var (maxWorkers, initializer, maxTasksPerChild) = (options.MaxWorkers, options.Initializer, options.MaxTasksPerChild);
        return HostedRegistration.AddExecutor(builder, name, maxWorkers, initializer, options.Default, (system, loggerFactory) =>
        {
            if (system is not ExtendedActorSystem { Provider: IRemoteActorRefProvider })
            {
                throw new InvalidOperationException(
                    $"The process pool '{name}' reaches its worker processes over Akka.Remote, but actor system '{system.Name}' " +
                    "does not have remoting enabled. Set akka.actor.provider = remote, akka.remote.dot-netty.tcp.hostname = \"127.0.0.1\" " +
                    "and akka.remote.dot-netty.tcp.port = 0 in its HOCON (builder.AddHocon(...)), or call " +
                    "WithRemoting(hostname: \"127.0.0.1\", port: 0) from Akka.Remote.Hosting.");
            }

            return new ProcessPoolExecutor(maxWorkers, initializer, maxTasksPerChild, system, loggerFactory, policy);
        });
    }

    /// <summary>The executor registered with <paramref name="system"/> as <paramref name="name"/>.</summary>
    public static TExecutor GetExecutor<TExecutor>(this ActorSystem system, string name)
        where TExecutor : Executor => ExecutorRegistry.For(system).Get<TExecutor>(name);
}
