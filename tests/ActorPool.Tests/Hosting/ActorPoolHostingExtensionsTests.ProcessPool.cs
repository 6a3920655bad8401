using ActorPool.Tests.Contract;
using ActorPool.Tests.ProcessPool;
using ActorPool.Tests.Support;
using ActorPool.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ActorPool.Tests.Hosting;

/// <summary><see cref="ActorPoolHostingExtensions.WithProcessPoolExecutor(AkkaConfigurationBuilder, string, ProcessPoolExecutorOptions)"/>,
/// with real worker processes reached over Akka.Remote on 127.0.0.1.</summary>
public sealed partial class ActorPoolHostingExtensionsTests
{
    private const string Remoting = """
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
        akka.remote.dot-netty.tcp.port = 0
        """;

    [Fact]
    [Trait("Category", "Slow")] // real worker processes
    public async Task WithProcessPoolExecutor_RemoteHostedSystem_RunsCallsInWorkerProcessesAndStopsWithHost()
    {
        using var host = TestHosts.Build("hosted-processes", builder => builder
            .AddHocon(Remoting + "\nactorpool.process-pool.max-workers = 1", HoconAddMode.Prepend)
            .WithProcessPoolExecutor("cpu")
            .WithProcessPoolExecutor("initialized", new ProcessPoolExecutorOptions
            {
                MaxWorkers = 1,
                Initializer = ProcessCalls.RememberInitializingProcess,
                MaxTasksPerChild = 5,
            }));
        var pids = new List<int>();
        var survivors = new List<int>();
        try
        {
            await host.StartAsync();
            var system = host.Services.GetRequiredService<ActorSystem>();
            var cpu = system.GetExecutor<ProcessPoolExecutor>("cpu");
            var initialized = system.GetExecutor<ProcessPoolExecutor>("initialized");

            pids.Add(cpu.Submit(ProcessCalls.Pid).Result(Probe.Bound));
            var (initializedIn, pid) = initialized.Submit(ProcessCalls.InitializedIn).Result(Probe.Bound);
            pids.Add(pid);

            Assert.Equal(1, cpu.MaxWorkers); // from the HOCON, not the processor count
            Assert.NotEqual(Environment.ProcessId, pids[0]);
            Assert.NotEqual(Environment.ProcessId, pid);
            Assert.Equal(pid, initializedIn);

            await host.StopAsync();
            var error = Assert.Throws<InvalidOperationException>(() => cpu.Submit(ProcessCalls.Pid));
            Assert.Equal("cannot schedule new futures after shutdown", error.Message);

            // Stopping the host stopped the worker processes too.
            SharedState.PollUntil(() => !pids.Any(OsProcesses.IsRunning), Probe.Bound);
            survivors.AddRange(pids.Where(OsProcesses.IsRunning));
        }
        finally
        {
            // Never leave a worker behind, whatever failed above.
            foreach (var worker in pids)
            {
                OsProcesses.KillWorkerIfStillRunning(worker);
            }
        }

        Assert.True(survivors.Count == 0, $"Worker process(es) {string.Join(", ", survivors)} still ran {Probe.Bound} after the host stopped (killed now).");
    }

    [Fact]
    public async Task WithProcessPoolExecutor_SystemWithoutRemoting_FailsStartSayingWhatToConfigure()
    {
        using var host = TestHosts.Build("hosted-local", builder => builder.WithProcessPoolExecutor("cpu", 1));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("'cpu'", error.Message);
        Assert.Contains("akka.actor.provider = remote", error.Message);
        Assert.Contains("akka.remote.dot-netty.tcp.hostname = \"127.0.0.1\"", error.Message);
        Assert.Throws<KeyNotFoundException>(() => host.Services.GetRequiredService<ActorSystem>().GetExecutor<ProcessPoolExecutor>("cpu"));
        await host.StopAsync();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void WithProcessPoolExecutor_MaxWorkersNotPositive_ThrowsAtRegistration(int maxWorkers)
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "hosted-bad-workers");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithProcessPoolExecutor("cpu", maxWorkers));

        Assert.Contains("max_workers must be greater than 0", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void WithProcessPoolExecutor_MaxTasksPerChildNotPositive_ThrowsAtRegistration(int maxTasksPerChild)
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "hosted-bad-tasks");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            builder.WithProcessPoolExecutor("cpu", new ProcessPoolExecutorOptions { MaxTasksPerChild = maxTasksPerChild }));

        Assert.Contains("max_tasks_per_child must be >= 1", error.Message);
    }

    [Theory]
    [InlineData(0L, null, "policy.WorkerMemorySoftLimit")]
    [InlineData(null, -1L, "policy.WorkerMemoryHardLimit")]
    [InlineData(2L << 30, 1L << 30, "policy.WorkerMemorySoftLimit")]
    public void WithProcessPoolExecutor_BadMemoryLimit_ThrowsAtRegistrationNamingIt(long? soft, long? hard, string parameter)
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "hosted-bad-memory");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            builder.WithProcessPoolExecutor("cpu", new ProcessPoolExecutorOptions { WorkerMemorySoftLimit = soft, WorkerMemoryHardLimit = hard }));

        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void WithProcessPoolExecutor_CapturingInitializer_ThrowsAtRegistrationNamingTheCapture()
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "hosted-bad-initializer");
        var counter = 0;

        var error = Assert.Throws<ArgumentException>(() =>
            builder.WithProcessPoolExecutor("cpu", new ProcessPoolExecutorOptions { Initializer = () => counter++ }));

        Assert.Contains("'counter'", error.Message);
    }
}
