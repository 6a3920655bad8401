using ActorPool.Tests.Support;
using ActorPool.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ActorPool.Tests.Hosting;

public sealed partial class ActorPoolHostingExtensionsTests
{
    [Fact]
    public async Task WithThreadPoolExecutor_ResolvedFromHost_RunsCallsAndStopsWithHost()
    {
        using var host = TestHosts.Build("hosted-explicit", builder => builder
            .WithThreadPoolExecutor("cpu", new ThreadPoolExecutorOptions { MaxWorkers = 2, ThreadNamePrefix = "hosted" }));
        await host.StartAsync();

        var executor = host.Services.GetRequiredService<ActorSystem>().GetExecutor<ThreadPoolExecutor>("cpu");
        Assert.Equal(2, executor.MaxWorkers);
        var threadName = await executor.Submit(() => Thread.CurrentThread.Name);
        Assert.Matches("^hosted_[01]$", threadName);

        await host.StopAsync();
        var error = Assert.Throws<InvalidOperationException>(() => executor.Submit(() => 1));
        Assert.Equal("cannot schedule new futures after shutdown", error.Message);
    }

    [Fact]
    public async Task WithThreadPoolExecutor_NullOptions_KeepHoconDefaults()
    {
        using var host = TestHosts.Build("hosted-hocon", builder => builder
            .AddHocon("actorpool.thread-pool { max-workers = 3, thread-name-prefix = from-hocon }", HoconAddMode.Prepend)
            .WithThreadPoolExecutor("io"));
        await host.StartAsync();

        var executor = host.Services.GetRequiredService<ActorSystem>().GetExecutor<ThreadPoolExecutor>("io");
        Assert.Equal(3, executor.MaxWorkers);
        Assert.StartsWith("from-hocon_", await executor.Submit(() => Thread.CurrentThread.Name));
        await host.StopAsync();
    }

    [Fact]
    public async Task GetExecutor_UnknownName_SaysWhatIsRegistered()
    {
        using var host = TestHosts.Build("hosted-unknown", builder => builder.WithThreadPoolExecutor("cpu", 1));
        await host.StartAsync();

        var error = Assert.Throws<KeyNotFoundException>(() =>
            host.Services.GetRequiredService<ActorSystem>().GetExecutor<ThreadPoolExecutor>("gpu"));
        Assert.Contains("'gpu'", error.Message);
        Assert.Contains("registered: cpu", error.Message);
        await host.StopAsync();
    }

    [Fact]
    public void WithThreadPoolExecutor_ZeroWorkers_ThrowsAtRegistration()
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "hosted-zero");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithThreadPoolExecutor("cpu", 0));
        Assert.Contains("max_workers must be greater than 0", error.Message);
    }

    [Fact]
    public void Register_NameTaken_ThrowsWithoutCreatingASecondExecutor()
    {
        using var system = TestSystems.Create("registry-taken");
        using var first = new ThreadPoolExecutor(1, system: system);
        var registry = ExecutorRegistry.For(system);
        registry.Register("cpu", first);
        var created = false;

        var error = Assert.Throws<ArgumentException>(() => registry.Register("cpu", () =>
        {
            created = true;
            return first;
        }, isDefault: false));

        Assert.False(created);
        Assert.Contains("'cpu' is already registered", error.Message);
        Assert.Same(first, system.GetExecutor<ThreadPoolExecutor>("cpu"));
    }
}
