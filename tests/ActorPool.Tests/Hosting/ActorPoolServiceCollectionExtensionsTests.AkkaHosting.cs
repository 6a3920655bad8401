using ActorPool.Tests.Contract;
using ActorPool.Tests.ProcessPool;
using ActorPool.Tests.Support;
using ActorPool.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ActorPool.Tests.Hosting;

/// <summary><see cref="ActorPoolServiceCollectionExtensions.AddActorPool(IServiceCollection)"/> with executors registered with an
/// Akka.Hosting actor system (With…Executor): the service provider gives them too.</summary>
public sealed partial class ActorPoolServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddActorPool_WithAkkaHostingThreadPools_ResolvedKeyedAndTheMarkedOneUnkeyed()
    {
        using var host = TestHosts.Build(
            "hosted-keyed",
            builder => builder
                .WithThreadPoolExecutor("io", 2)
                .WithThreadPoolExecutor("cpu", new ThreadPoolExecutorOptions { MaxWorkers = 1, Default = true }),
            services => services.AddActorPool());
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();

        var io = host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("io");

        Assert.Same(system.GetExecutor<ThreadPoolExecutor>("io"), io);
        Assert.Same(io, host.Services.GetRequiredKeyedService<Executor>("io"));
        Assert.Same(system.GetExecutor<ThreadPoolExecutor>("cpu"), host.Services.GetRequiredService<ThreadPoolExecutor>());
        Assert.Same(system.GetExecutor<ThreadPoolExecutor>("cpu"), host.Services.GetRequiredService<Executor>());
        Assert.Equal(2, io.MaxWorkers);
        await host.StopAsync();
        Assert.Throws<InvalidOperationException>(() => io.Submit(() => 1));
    }

    [Fact]
    public async Task AddActorPool_WithAkkaHostingAndAddActorPoolExecutors_BothResolveAndADefaultIsPickedAcrossThem()
    {
        using var host = TestHosts.Build(
            "hosted-mixed",
            builder => builder.WithThreadPoolExecutor("hosted", 1),
            services => services.AddActorPool(pool => pool.AddThreadPoolExecutor("own", o => o.MaxWorkers = 1)));
        await host.StartAsync();

        var hosted = host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("hosted");
        var own = host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("own");

        Assert.NotSame(hosted, own);
        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<ThreadPoolExecutor>());
        Assert.Contains("('hosted', 'own')", error.Message);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddActorPool_WithAkkaHostingTwoOfATypeMarkedDefault_FailsStartNamingBoth()
    {
        using var host = TestHosts.Build(
            "hosted-two-defaults",
            builder => builder
                .WithThreadPoolExecutor("a", new ThreadPoolExecutorOptions { MaxWorkers = 1, Default = true })
                .WithThreadPoolExecutor("b", new ThreadPoolExecutorOptions { MaxWorkers = 1, Default = true }),
            services => services.AddActorPool());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => host.StartAsync());

        Assert.Contains("The ThreadPoolExecutor 'b' is marked as the default, and so is 'a': mark one only", error.Message);
        await host.StopAsync();
    }

    [Fact]
    public void AddActorPool_WithAkkaHostingBeforeTheHostStarts_SaysTheExecutorExistsOnceItHas()
    {
        using var host = TestHosts.Build("hosted-not-started", builder => builder.WithThreadPoolExecutor("io", 1), services => services.AddActorPool());

        var error = Assert.Throws<KeyNotFoundException>(() => host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("io"));

        Assert.Contains("No executor named 'io' is registered (registered: none)", error.Message);
        Assert.Contains("exists once the host has started", error.Message);
    }

    [Fact]
    [Trait("Category", "Slow")] // real worker processes
    public async Task AddActorPool_WithAkkaHostingProcessPool_ResolvedUnkeyedAndItsWorkerExitsWhenTheHostStops()
    {
        using var host = TestHosts.Build(
            "hosted-keyed-processes",
            builder => builder.AddHocon(Remoting, HoconAddMode.Prepend).WithProcessPoolExecutor("cpu", 1),
            services => services.AddActorPool());
        var pids = new List<int>();
        try
        {
            await host.StartAsync();
            var cpu = host.Services.GetRequiredService<ProcessPoolExecutor>();
            Assert.Same(cpu, host.Services.GetRequiredKeyedService<ProcessPoolExecutor>("cpu"));
            pids.Add(cpu.Submit(ProcessCalls.Pid).Result(Probe.Bound));
            Assert.NotEqual(Environment.ProcessId, pids[0]);

            await host.StopAsync();

            Assert.True(OsProcesses.WaitForExit(pids[0], Probe.Bound), $"worker process {pids[0]} still ran after the host stopped");
        }
        finally
        {
            pids.ForEach(pid => OsProcesses.KillWorkerIfStillRunning(pid));
        }
    }

    private const string Remoting = """
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
        akka.remote.dot-netty.tcp.port = 0
        """;
}
