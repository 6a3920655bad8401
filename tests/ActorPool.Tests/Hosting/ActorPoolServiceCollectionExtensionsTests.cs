using ActorPool.Tests.Contract;
using ActorPool.Tests.Support;
using ActorPool.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ActorPool.Tests.Hosting;

/// <summary><see cref="ActorPoolServiceCollectionExtensions.AddActorPool(IServiceCollection, Action{ActorPoolBuilder})"/>: executors
/// declared in code, each in an actor system of its own, given by the service provider keyed by name and as their type's default.</summary>
public sealed partial class ActorPoolServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddActorPool_ThreadPools_ResolvedKeyedByNameAsTheirTypeAndAsExecutor()
    {
        using var host = TestHosts.Build(services => services.AddActorPool(pool => pool
            .AddThreadPoolExecutor("io", o => (o.MaxWorkers, o.ThreadNamePrefix) = (2, "di-io"))
            .AddThreadPoolExecutor("cpu", o => o.MaxWorkers = 1)));
        await host.StartAsync();

        var io = host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("io");
        var cpu = host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("cpu");

        Assert.NotSame(io, cpu);
        Assert.Same(io, host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("io")); // a singleton per name
        Assert.Same(io, host.Services.GetRequiredKeyedService<Executor>("io"));
        Assert.Equal(2, io.MaxWorkers);
        Assert.Equal(1, cpu.MaxWorkers);
        Assert.Matches("^di-io_[01]$", await io.Submit(() => Thread.CurrentThread.Name));
        await host.StopAsync();
    }

    [Fact]
    public async Task AddActorPool_OneExecutorOfItsType_IsTheUnkeyedDefault()
    {
        using var host = TestHosts.Build(services => services.AddActorPool(pool => pool.AddThreadPoolExecutor("io", o => o.MaxWorkers = 1)));
        await host.StartAsync();

        var io = host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("io");
        Assert.Same(io, host.Services.GetRequiredService<ThreadPoolExecutor>());
        Assert.Same(io, host.Services.GetRequiredService<Executor>());
        await host.StopAsync();
    }

    [Fact]
    public async Task AddActorPool_SeveralOfATypeOneMarkedDefault_TheMarkedOneIsTheUnkeyedDefault()
    {
        using var host = TestHosts.Build(services => services.AddActorPool(pool => pool
            .AddThreadPoolExecutor("a", o => o.MaxWorkers = 1)
            .AddThreadPoolExecutor("b", o => (o.MaxWorkers, o.Default) = (1, true))
            .AddThreadPoolExecutor("c", o => o.MaxWorkers = 1)));
        await host.StartAsync();

        Assert.Same(host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("b"), host.Services.GetRequiredService<ThreadPoolExecutor>());
        await host.StopAsync();
    }

    [Fact]
    public async Task AddActorPool_SeveralOfATypeNoneMarked_UnkeyedFailsNamingThemAndHowToChoose()
    {
        using var host = TestHosts.Build(services => services.AddActorPool(pool => pool
            .AddThreadPoolExecutor("b", o => o.MaxWorkers = 1)
            .AddThreadPoolExecutor("a", o => o.MaxWorkers = 1)));
        await host.StartAsync();

        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<ThreadPoolExecutor>());

        Assert.Contains("2 executors are registered as a ThreadPoolExecutor ('a', 'b') and none is marked as the default", error.Message);
        Assert.Contains("[FromKeyedServices(\"a\")] ThreadPoolExecutor", error.Message);
        Assert.Contains("Default = true", error.Message);
        Assert.Contains("ActorPool:Executors:a:Default = true", error.Message);
        Assert.NotNull(host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("a")); // by name, each still resolves
        await host.StopAsync();
    }

    [Fact]
    public async Task AddActorPool_TwoOfATypeMarkedDefault_FailsStartNamingBoth()
    {
        using var host = TestHosts.Build(services => services.AddActorPool(pool => pool
            .AddThreadPoolExecutor("a", o => (o.MaxWorkers, o.Default) = (1, true))
            .AddThreadPoolExecutor("b", o => (o.MaxWorkers, o.Default) = (1, true))));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("'a' and 'b' are all marked as the default", error.Message);
        Assert.Contains("mark one only", error.Message);
    }

    [Fact]
    public async Task AddActorPool_UnknownName_SaysWhatIsRegistered()
    {
        using var host = TestHosts.Build(services => services.AddActorPool(pool => pool.AddThreadPoolExecutor("io", o => o.MaxWorkers = 1)));
        await host.StartAsync();

        var error = Assert.Throws<KeyNotFoundException>(() => host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("gpu"));
        var wrongType = Assert.Throws<InvalidCastException>(() => host.Services.GetRequiredKeyedService<ProcessPoolExecutor>("io"));

        Assert.Contains("'gpu'", error.Message);
        Assert.Contains("registered: io", error.Message);
        Assert.Contains("is a ThreadPoolExecutor, not a ProcessPoolExecutor", wrongType.Message);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddActorPool_FromKeyedServicesInjection_GivesTheNamedExecutors()
    {
        using var host = TestHosts.Build(services => services
            .AddSingleton<Crawler>()
            .AddActorPool(pool => pool
                .AddThreadPoolExecutor("io", o => o.MaxWorkers = 1)
                .AddThreadPoolExecutor("parse", o => (o.MaxWorkers, o.Default) = (1, true))));
        await host.StartAsync();

        var crawler = host.Services.GetRequiredService<Crawler>();

        Assert.Same(host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("io"), crawler.Io);
        Assert.Same(host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("parse"), crawler.Any);
        Assert.Same(crawler.Any, crawler.Default);
        Assert.Equal(42, await crawler.Io.Submit(() => 42));
        await host.StopAsync();
    }

    [Fact]
    public async Task AddActorPool_HostedServiceTakesAnExecutorInItsConstructor_GetsItWhenTheHostStarts()
    {
        using var host = TestHosts.Build(services => services
            .AddHostedService<UsesExecutor>() // registered, and so built, before AddActorPool's own hosted service
            .AddActorPool(pool => pool.AddThreadPoolExecutor("io", o => o.MaxWorkers = 1)));

        await host.StartAsync();

        var service = Assert.Single(host.Services.GetServices<IHostedService>().OfType<UsesExecutor>());
        Assert.Same(host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("io"), service.Io);
        Assert.Equal(1, await service.Started);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddActorPool_HostStops_ExecutorsAreShutDownAfterTheServicesUsingThemStopped()
    {
        using var host = TestHosts.Build(services => services
            .AddActorPool(pool => pool.AddThreadPoolExecutor("io", o => o.MaxWorkers = 1))
            .AddHostedService<UsesExecutor>()); // registered after, so it stops before AddActorPool's hosted service would
        await host.StartAsync();
        var service = Assert.Single(host.Services.GetServices<IHostedService>().OfType<UsesExecutor>());

        await host.StopAsync();

        Assert.Equal(2, await service.Stopped); // it could still submit while stopping
        var error = Assert.Throws<InvalidOperationException>(() => service.Io.Submit(() => 1));
        Assert.Equal("cannot schedule new futures after shutdown", error.Message);
    }

    [Fact]
    public async Task AddActorPool_HostDisposedWithoutStopping_ExecutorsAreShutDown()
    {
        ThreadPoolExecutor io;
        using (var host = TestHosts.Build(services => services.AddActorPool(pool => pool.AddThreadPoolExecutor("io", o => o.MaxWorkers = 1))))
        {
            await host.StartAsync();
            io = host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("io");
        }

        var error = Assert.Throws<InvalidOperationException>(() => io.Submit(() => 1));
        Assert.Equal("cannot schedule new futures after shutdown", error.Message);
    }

    [Fact]
    public async Task AddActorPool_ShutdownTokenCanceled_QueuedCallsAreCanceledAndDisposalWaitsForTheRunningOne()
    {
        using var gate = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var host = TestHosts.Build(services => services
            .Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.Zero) // the host's shutdown token is canceled from the start
            .AddActorPool(pool => pool.AddThreadPoolExecutor("io", o => o.MaxWorkers = 1)));
        await host.StartAsync();
        var io = host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("io");
        var running = io.Submit(() =>
        {
            entered.Set();
            gate.Wait(Probe.Bound);
            return "finished";
        });
        Assert.True(entered.Wait(Probe.Bound));
        var queued = io.Submit(() => "ran");

        await host.StopAsync();

        Assert.True(queued.IsCanceled);
        Assert.False(running.IsDone);
        gate.Set();
        host.Dispose();
        Assert.Equal("finished", running.Result(TimeSpan.Zero)); // disposal waited for it
    }

    [Fact]
    public void AddActorPool_NoHost_ExecutorsAreMadeOnFirstResolveAndShutDownWithTheProvider()
    {
        var provider = new ServiceCollection().AddActorPool(pool => pool.AddThreadPoolExecutor("io", o => o.MaxWorkers = 1)).BuildServiceProvider();
        var io = provider.GetRequiredKeyedService<ThreadPoolExecutor>("io");
        Assert.Equal(3, io.Submit(() => 3).Result(Probe.Bound));

        provider.Dispose();

        Assert.Throws<InvalidOperationException>(() => io.Submit(() => 1));
    }

    [Fact]
    public void AddActorPool_ProviderValidatedOnBuild_AsInTheDevelopmentEnvironment_Builds()
    {
        var services = new ServiceCollection()
            .AddSingleton<Crawler>()
            .AddActorPool(pool => pool
                .AddThreadPoolExecutor("io", o => o.MaxWorkers = 1)
                .AddThreadPoolExecutor("parse", o => (o.MaxWorkers, o.Default) = (1, true)));

        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.Same(provider.GetRequiredKeyedService<ThreadPoolExecutor>("io"), provider.GetRequiredService<Crawler>().Io);
    }

    [Fact]
    public async Task AddActorPool_CodeDeclaredBadOptions_FailsStartNamingTheProperty()
    {
        var counter = 0;
        using var host = TestHosts.Build(services => services.AddActorPool(pool => pool
            .AddThreadPoolExecutor("io", o => o.MaxWorkers = 0)
            .AddProcessPoolExecutor("cpu", o => (o.MaxTasksPerChild, o.Initializer) = (-1, () => counter++))));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        var messages = Messages(error);
        Assert.Contains("ThreadPoolExecutorOptions.MaxWorkers of the executor 'io' is 0: set it to 1 or more", messages);
        Assert.Contains("ProcessPoolExecutorOptions.MaxTasksPerChild of the executor 'cpu' is -1: set it to 1 or more", messages);
        Assert.Contains("The initializer of the process pool 'cpu' cannot run in a worker process", messages);
        Assert.Contains("'counter'", messages);
    }

    [Fact]
    public async Task AddActorPool_ANameDeclaredWithTwoKinds_FailsStartNamingBoth()
    {
        using var host = TestHosts.Build(services => services.AddActorPool(pool => pool
            .AddThreadPoolExecutor("work")
            .AddProcessPoolExecutor("work")));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("The executor name 'work' is declared as a ThreadPool (AddThreadPoolExecutor(\"work\")) and as a ProcessPool " +
            "(AddProcessPoolExecutor(\"work\"))", Messages(error));
    }

    /// <summary>Every message in <paramref name="error"/>: its own, its inner exceptions', and each options validation failure.</summary>
    private static string Messages(Exception error) => error switch
    {
        AggregateException aggregate => string.Join("\n", aggregate.InnerExceptions.Select(Messages)),
        OptionsValidationException validation => string.Join("\n", validation.Failures),
        _ => error.Message + (error.InnerException is { } inner ? "\n" + Messages(inner) : ""),
    };

    private sealed class Crawler(
        [FromKeyedServices("io")] ThreadPoolExecutor io,
        [FromKeyedServices("parse")] Executor any,
        ThreadPoolExecutor @default)
    {
        public ThreadPoolExecutor Io => io;

        public Executor Any => any;

        public ThreadPoolExecutor Default => @default;
    }

    /// <summary>A hosted service that takes an executor in its constructor and submits to it when it starts and when it stops.</summary>
    private sealed class UsesExecutor([FromKeyedServices("io")] ThreadPoolExecutor io) : IHostedService
    {
        public ThreadPoolExecutor Io => io;

        public Future<int> Started { get; private set; } = null!;

        public Future<int> Stopped { get; private set; } = null!;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Started = io.Submit(() => 1);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Stopped = io.Submit(() => 2);
            return Task.CompletedTask;
        }
    }
}
