using ActorPool.Threads;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Microsoft.Extensions.Logging;

namespace ActorPool.Logging;

/// <summary>
/// Carries an executor's <see cref="ILoggerFactory"/> into the actor system it makes for itself, where
/// <see cref="Transport.QuietRemotingLogger"/> (that system's logger) finds it and sends Akka's own records there too.
/// </summary>
internal sealed class LoggerFactorySetup(ILoggerFactory factory) : Setup
{
    public ILoggerFactory Factory { get; } = factory;

    /// <summary>An executor's own actor system, whose Akka records go to <paramref name="factory"/> when there is one.</summary>
    public static ActorSystem CreateSystem(string name, Config config, ILoggerFactory? factory) =>
        WithoutCallerContext.Make(() => factory is null
            ? ActorSystem.Create(name, config)
            : ActorSystem.Create(name, BootstrapSetup.Create().WithConfig(config).And(new LoggerFactorySetup(factory))));
}
