using ActorPool.Tests.Contract;
using ActorPool.Tests.ProcessPool;
using ActorPool.Tests.Support;
using ActorPool.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorPool.Tests.Hosting;

/// <summary>Process pools declared with AddActorPool, with real worker processes: started with the host, gone after it.</summary>
public sealed partial class ActorPoolServiceCollectionExtensionsTests
{
    [Fact]
    [Trait("Category", "Slow")] // real worker processes
    public async Task AddActorPool_ProcessPool_ResolvedKeyedAndUnkeyedRunsInWorkersThatExitWhenTheHostStops()
    {
        using var host = TestHosts.Build(services => services.AddActorPool(pool => pool
            .AddProcessPoolExecutor("cpu", o => (o.MaxWorkers, o.Initializer) = (1, ProcessCalls.RememberInitializingProcess))
            .AddThreadPoolExecutor("io", o => o.MaxWorkers = 1)));
        var pids = new List<int>();
        try
        {
            await host.StartAsync();
            var cpu = host.Services.GetRequiredKeyedService<ProcessPoolExecutor>("cpu");
            Assert.Same(cpu, host.Services.GetRequiredService<ProcessPoolExecutor>());
            Assert.Same(cpu, host.Services.GetRequiredKeyedService<Executor>("cpu"));

            var (initializedIn, pid) = cpu.Submit(ProcessCalls.InitializedIn).Result(Probe.Bound);
            pids.Add(pid);
            Assert.NotEqual(Environment.ProcessId, pid);
            Assert.Equal(pid, initializedIn);

            await host.StopAsync();

            Assert.True(OsProcesses.WaitForExit(pid, Probe.Bound), $"worker process {pid} still ran after the host stopped");
            var error = Assert.Throws<InvalidOperationException>(() => cpu.Submit(ProcessCalls.Pid));
            Assert.Equal("cannot schedule new futures after shutdown", error.Message);
        }
        finally
        {
            pids.ForEach(pid => OsProcesses.KillWorkerIfStillRunning(pid));
        }
    }

    [Fact]
    [Trait("Category", "Slow")] // real worker processes
    public async Task AddActorPool_ProcessPoolAndShutdownTokenCanceled_RunningCallFailsQueuedIsCanceledWorkerExits()
    {
        using var probe = new Probe(blocks: static _ => true);
        using var host = TestHosts.Build(services => services
            .Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.Zero) // the host's shutdown token is canceled from the start
            .AddActorPool(pool => pool.AddProcessPoolExecutor("cpu", o => o.MaxWorkers = 1)));
        var pids = new List<int>();
        try
        {
            await host.StartAsync();
            var cpu = host.Services.GetRequiredKeyedService<ProcessPoolExecutor>("cpu");
            var running = cpu.Submit(ProcessCalls.PidThenStep, probe.Key, 0);
            probe.WaitForStarts(1);
            pids.Add(ProcessCalls.PidOf(probe.Key, 0));
            var queued = cpu.Submit(ContractCalls.Negate, 1);

            await host.StopAsync();

            Assert.IsType<BrokenProcessPoolException>(running.Exception(Probe.Bound));
            Assert.True(queued.IsCanceled);
            Assert.True(OsProcesses.WaitForExit(pids[0], Probe.Bound), $"worker process {pids[0]} still ran after the host stopped");
        }
        finally
        {
            pids.ForEach(pid => OsProcesses.KillWorkerIfStillRunning(pid));
        }
    }

    [Fact]
    [Trait("Category", "Slow")] // real worker processes
    public async Task AddActorPool_ProcessPoolAndHostDisposedWithoutStopping_WorkerExits()
    {
        var pids = new List<int>();
        try
        {
            using (var host = TestHosts.Build(services => services.AddActorPool(pool => pool.AddProcessPoolExecutor("cpu", o => o.MaxWorkers = 1))))
            {
                await host.StartAsync();
                pids.Add(host.Services.GetRequiredService<ProcessPoolExecutor>().Submit(ProcessCalls.Pid).Result(Probe.Bound));
            }

            Assert.True(OsProcesses.WaitForExit(pids[0], Probe.Bound), $"worker process {pids[0]} still ran after the host was disposed");
        }
        finally
        {
            pids.ForEach(pid => OsProcesses.KillWorkerIfStillRunning(pid));
        }
    }
}
