using Akka.Hosting;
using Microsoft.Extensions.Hosting;

namespace ActorPool.Tests.Support;

/// <summary>Generic hosts with an Akka.Hosting actor system, for the hosting tests.</summary>
public static class TestHosts
{
    /// <summary>A host whose actor system <paramref name="name"/> runs with <see cref="TestSystems.Strict"/> and what <paramref name="configure"/> adds.</summary>
    public static IHost Build(string name, Action<AkkaConfigurationBuilder> configure) =>
        new HostBuilder()
            .ConfigureServices(services => services.AddAkka(name, builder =>
            {
                builder.AddHocon(TestSystems.Strict, HoconAddMode.Append);
                configure(builder);
            }))
            .Build();
}
