using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorPool.Tests.Support;

/// <summary>Generic hosts with an Akka.Hosting actor system, for the hosting tests.</summary>
public static class TestHosts
{
    /// <summary>A host whose actor system <paramref name="name"/> runs with <see cref="TestSystems.Strict"/> and what <paramref name="configure"/> adds,
    /// and whose services <paramref name="services"/> adds to.</summary>
    public static IHost Build(string name, Action<AkkaConfigurationBuilder> configure, Action<IServiceCollection>? services = null) =>
        new HostBuilder()
            .ConfigureServices(collection =>
            {
                collection.AddAkka(name, builder =>
                {
                    builder.AddHocon(TestSystems.Strict, HoconAddMode.Append);
                    configure(builder);
                });
                services?.Invoke(collection);
            })
            .Build();

    /// <summary>A host without an actor system of its own, whose services <paramref name="services"/> adds.</summary>
    public static IHost Build(Action<IServiceCollection> services) => new HostBuilder().ConfigureServices(services).Build();
}
