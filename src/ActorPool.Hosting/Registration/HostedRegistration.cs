using ActorPool.Wire;
using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorPool.Hosting.Registration;

/// <summary>
/// The shape every <c>With…Executor</c> registration shares: its arguments checked when the call runs, then a startup
/// task that creates the executor in the hosted actor system and adds it to that system's <see cref="ExecutorRegistry"/>.
/// </summary>
internal static class HostedRegistration
{
    /// <summary>Refuses a null builder or options and an empty name, as every registration does first.</summary>
    internal static void CheckArguments(AkkaConfigurationBuilder builder, string name, object options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
    }

    /// <summary>
    /// Refuses <paramref name="maxWorkers"/> ≤ 0 and an <paramref name="initializer"/> that captures state, now rather
    /// than when the system starts; then adds the startup task that runs <paramref name="create"/> once the name is known
    /// to be free in the system's registry. A thread pool passes no initializer here: its own runs in this process.
    /// </summary>
    internal static AkkaConfigurationBuilder AddExecutor(
        AkkaConfigurationBuilder builder, string name, int? maxWorkers, Action? initializer, bool isDefault, Func<ActorSystem, ILoggerFactory?, Executor> create)
    {
        if (maxWorkers is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxWorkers), maxWorkers, "max_workers must be greater than 0");
        }

        if (initializer is not null)
        {
            CallDescriptor.For(initializer, nameof(initializer));
        }

        return builder.AddStartup((system, _) => ExecutorRegistry.For(system).Register(name, () => create(system, LoggerFactoryOf(system)), isDefault));
    }

    /// <summary>
    /// The host's <see cref="ILoggerFactory"/>, which Akka.Hosting's container holds; null in a system made without one,
    /// where the executor logs through the system's Akka logging.
    /// </summary>
    internal static ILoggerFactory? LoggerFactoryOf(ActorSystem system) =>
        system.Settings.Setup.Get<DependencyResolverSetup>() is { HasValue: true } setup
            ? setup.Value.DependencyResolver.GetService<ILoggerFactory>()
            : null;
}
