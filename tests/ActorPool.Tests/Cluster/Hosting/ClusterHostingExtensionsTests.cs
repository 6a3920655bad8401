using ActorPool.Tests.Contract;
using ActorPool.Tests.ProcessPool;
using ActorPool.Tests.Support;
using System.Security.Cryptography;
using ActorPool.Cluster;
using ActorPool.Cluster.Hosting;
using ActorPool.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ActorPool.Tests.Cluster.Hosting;

/// <summary><see cref="ClusterHostingExtensions.WithClusterPoolExecutor(AkkaConfigurationBuilder, string, ClusterPoolExecutorOptions)"/>,
/// with the hosted system as the coordinator and a worker node in a real child process on 127.0.0.1.</summary>
public sealed class ClusterHostingExtensionsTests
{
    private const string ClusterMember = """
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
        akka.remote.dot-netty.tcp.port = 0
        """;

    private readonly string secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    [Fact]
    [Trait("Category", "Slow")] // a worker node process
    public async Task WithClusterPoolExecutor_ClusterHostedSystem_JoinsItselfRunsCallsOnANodeAndStopsWithHost()
    {
        using var host = TestHosts.Build("actorpool", builder => builder
            .AddHocon(ClusterMember, HoconAddMode.Prepend)
            .WithClusterPoolExecutor("nodes", new ClusterPoolExecutorOptions { Secret = secret, MaxWorkers = 1 })
            .WithClusterPoolExecutor("more-nodes", new ClusterPoolExecutorOptions { Secret = secret }));
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var executor = system.GetExecutor<ClusterPoolExecutor>("nodes");
        var other = system.GetExecutor<ClusterPoolExecutor>("more-nodes");
        using var node = LocalNodeProcess.Start(executor.Address, secret, workers: 2);

        await executor.WaitForWorkersAsync(1, Probe.Bound); // so the system joined itself: the node could join it
        Assert.Equal(node.Pid, executor.Submit(ProcessCalls.Pid).Result(Probe.Bound));
        Assert.Equal(node.Pid, other.Submit(ProcessCalls.Pid).Result(Probe.Bound));
        Assert.Equal(1, executor.MaxWorkers);
        Assert.Equal(executor.Address, other.Address);
        Assert.Contains("actorpool-coordinator", Akka.Cluster.Cluster.Get(system).SelfRoles); // from the registration's fallback HOCON

        await host.StopAsync();
        var error = Assert.Throws<InvalidOperationException>(() => executor.Submit(ProcessCalls.Pid));
        Assert.Equal("cannot schedule new futures after shutdown", error.Message);
        Assert.Throws<InvalidOperationException>(() => other.Submit(ProcessCalls.Pid));
    }

    [Fact]
    public async Task AddClusterPoolServices_HostedClusterPools_ResolvedByNameAndAmbiguousUnkeyed()
    {
        using var host = TestHosts.Build(
            "actorpool",
            builder => builder
                .AddHocon(ClusterMember, HoconAddMode.Prepend)
                .WithClusterPoolExecutor("nodes", new ClusterPoolExecutorOptions { Secret = secret, MaxWorkers = 1 })
                .WithClusterPoolExecutor("more-nodes", new ClusterPoolExecutorOptions { Secret = secret }),
            services => services.AddActorPool(pool => pool.AddClusterPoolServices()));
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();

        var nodes = host.Services.GetRequiredKeyedService<ClusterPoolExecutor>("nodes");

        Assert.Same(system.GetExecutor<ClusterPoolExecutor>("nodes"), nodes);
        Assert.Same(system.GetExecutor<ClusterPoolExecutor>("more-nodes"), host.Services.GetRequiredKeyedService<Executor>("more-nodes"));
        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<ClusterPoolExecutor>());
        Assert.Contains("2 executors are registered as a ClusterPoolExecutor ('more-nodes', 'nodes')", error.Message);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("akka.actor.provider = remote\nakka.remote.dot-netty.tcp.hostname = \"127.0.0.1\"\nakka.remote.dot-netty.tcp.port = 0")]
    public async Task WithClusterPoolExecutor_SystemNotAClusterMember_FailsStartSayingWhatToConfigure(string hocon)
    {
        using var host = TestHosts.Build("actorpool", builder => builder
            .AddHocon(hocon, HoconAddMode.Prepend)
            .WithClusterPoolExecutor("nodes", new ClusterPoolExecutorOptions { Secret = secret }));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("'nodes'", error.Message);
        Assert.Contains("not a cluster member", error.Message);
        Assert.Contains("akka.actor.provider = cluster", error.Message);
        Assert.Throws<KeyNotFoundException>(() => host.Services.GetRequiredService<ActorSystem>().GetExecutor<ClusterPoolExecutor>("nodes"));
        await host.StopAsync();
    }

    [Fact]
    public async Task WithClusterPoolExecutor_SystemNamedOtherThanTheNodes_FailsStartNamingBoth()
    {
        using var host = TestHosts.Build("app", builder => builder
            .AddHocon(ClusterMember, HoconAddMode.Prepend)
            .WithClusterPoolExecutor("nodes", new ClusterPoolExecutorOptions { Secret = secret }));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("'app'", error.Message);
        Assert.Contains("'actorpool' (actorpool.cluster.system-name)", error.Message);
        Assert.Contains("services.AddAkka(\"actorpool\", ...)", error.Message);
        await host.StopAsync();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void WithClusterPoolExecutor_MaxWorkersNotPositive_ThrowsAtRegistration(int maxWorkers)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Builder().WithClusterPoolExecutor("nodes", new ClusterPoolExecutorOptions { Secret = secret, MaxWorkers = maxWorkers }));

        Assert.Contains("max_workers must be greater than 0", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void WithClusterPoolExecutor_EmptySecret_ThrowsAtRegistrationNamingTheVariable(string empty)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Builder().WithClusterPoolExecutor("nodes", new ClusterPoolExecutorOptions { Secret = empty }));

        Assert.Contains("'nodes' was given an empty Secret", error.Message);
        Assert.Contains("ACTORPOOL_CLUSTER_SECRET", error.Message);
    }

    [Fact]
    public void WithClusterPoolExecutor_CapturingInitializer_ThrowsAtRegistrationNamingTheCapture()
    {
        var counter = 0;

        var error = Assert.Throws<ArgumentException>(() =>
            Builder().WithClusterPoolExecutor("nodes", new ClusterPoolExecutorOptions { Secret = secret, Initializer = () => counter++ }));

        Assert.Contains("'counter'", error.Message);
    }

    [Fact]
    public void WithClusterPoolExecutor_AddressOrConfigOfItsOwn_ThrowsAtRegistrationSayingWhereTheyGo()
    {
        foreach (var options in new[]
                 {
                     new ClusterPoolExecutorOptions { Secret = secret, Hostname = "127.0.0.1" },
                     new ClusterPoolExecutorOptions { Secret = secret, Port = 4053 },
                     new ClusterPoolExecutorOptions { Secret = secret, Config = Akka.Configuration.ConfigurationFactory.Empty },
                 })
        {
            var error = Assert.Throws<ArgumentException>(() => Builder().WithClusterPoolExecutor("nodes", options));

            Assert.Contains("app's actor system", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void WithClusterPoolExecutor_NoNameOrOptions_Throws()
    {
        Assert.Throws<ArgumentException>(() => Builder().WithClusterPoolExecutor("", new ClusterPoolExecutorOptions { Secret = secret }));
        Assert.Throws<ArgumentNullException>(() => Builder().WithClusterPoolExecutor("nodes", null!));
    }

    private static AkkaConfigurationBuilder Builder() => new(new ServiceCollection(), "actorpool");
}
