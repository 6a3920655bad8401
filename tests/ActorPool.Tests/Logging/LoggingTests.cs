using ActorPool.Hosting;
using ActorPool.Tests.Contract;
using ActorPool.Tests.ProcessPool;
using ActorPool.Tests.Support;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace ActorPool.Tests.Logging;

/// <summary>
/// What the executors log through Microsoft.Extensions.Logging, read back with a capturing provider: a hosted pool
/// recycling its workers logs nothing above Debug (Akka's records included), real failures are warnings and errors that
/// name the worker, a worker's own records reach its parent's logger with its pid, and an executor without a factory
/// logs through its actor system's Akka logging.
/// </summary>
public sealed class LoggingTests() : Akka.TestKit.Xunit2.TestKit(TestSystems.Strict)
{
    private const string Remoting = """
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
        akka.remote.dot-netty.tcp.port = 0
        akka.remote.untrusted-mode = on
        akka.remote.trusted-selection-paths = ["/system/remote-watcher"]
        """;

    [Fact]
    [Trait("Category", "Slow")] // real worker processes
    public async Task AddActorPool_ProcessPoolRecyclingWorkers_LogsNoWarningOrError()
    {
        var capture = new LogCapture();
        using var host = TestHosts.Build(services => services
            .AddLogging(logging => logging.AddProvider(capture).SetMinimumLevel(LogLevel.Trace))
            .AddActorPool(pools => pools.AddProcessPoolExecutor("recycling", options =>
            {
                options.MaxWorkers = 2;
                options.MaxTasksPerChild = 2;
            })));
        await host.StartAsync();
        var pool = host.Services.GetRequiredKeyedService<ProcessPoolExecutor>("recycling");

        var pids = Enumerable.Range(0, 8).Select(_ => pool.Submit(ProcessCalls.Pid)).ToList().Select(f => f.Result(Probe.Bound)).ToHashSet();
        await host.StopAsync();

        Assert.True(pids.Count >= 4, $"8 calls at 2 per worker ran in {pids.Count} worker processes");
        var loud = capture.Records.Where(r => r.Level >= LogLevel.Warning).ToList();
        Assert.True(loud.Count == 0, $"Recycling workers logged warnings or errors:{Environment.NewLine}{LogCapture.Describe(loud)}");
        Assert.True(capture.Records.Count(r => r is { Category: "ActorPool.ProcessPool", EventId: 204, Level: LogLevel.Debug }) >= 3,
            $"Each retirement is a Debug record (event 204). Logged:{Environment.NewLine}{LogCapture.Describe(capture.Records)}");
    }

    [Fact]
    [Trait("Category", "Slow")] // real worker processes
    public async Task WithProcessPoolExecutor_RecyclingWorkersInTheAppsActorSystem_LogsNoWarningOrErrorIncludingAkkas()
    {
        var capture = new LogCapture();
        using var host = TestHosts.Build(
            "hosted-recycling",
            builder => builder
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory(); // Akka's own records go to the host's logging, as in a real hosted app
                })
                .AddHocon(Remoting, HoconAddMode.Prepend)
                .WithProcessPoolExecutor("recycling", new ProcessPoolExecutorOptions { MaxWorkers = 2, MaxTasksPerChild = 2 }),
            services => services.AddLogging(logging => logging.AddProvider(capture).SetMinimumLevel(LogLevel.Trace)));
        await host.StartAsync();
        var pool = host.Services.GetRequiredService<ActorSystem>().GetExecutor<ProcessPoolExecutor>("recycling");

        var results = Enumerable.Range(0, 8).Select(_ => pool.Submit(ProcessCalls.Pid)).ToList().Select(f => f.Result(Probe.Bound)).ToList();
        // Long enough for Akka.Remote to have noticed every retired worker's departure (it would warn within milliseconds).
        await Task.Delay(TimeSpan.FromSeconds(2));
        await host.StopAsync();

        Assert.Equal(8, results.Count);
        var loud = capture.Records.Where(r => r.Level >= LogLevel.Warning).ToList();
        Assert.True(loud.Count == 0, $"Recycling workers logged warnings or errors:{Environment.NewLine}{LogCapture.Describe(loud)}");
        Assert.Contains(capture.Records, r => r is { Category: "ActorPool.ProcessPool", EventId: 204 });
    }

    [Fact]
    [Trait("Category", "Slow")] // real worker processes
    public void ProcessPool_WorkerCrashes_LogsAnErrorNamingItsPidAndExitCode()
    {
        var capture = new LogCapture();
        using var pool = new ProcessPoolExecutor(maxWorkers: 1, loggerFactory: capture.Factory);
        var pid = pool.Submit(ProcessCalls.Pid).Result(Probe.Bound);

        Assert.Throws<BrokenProcessPoolException>(() => pool.Submit(ProcessCalls.Exit, 3).Result(Probe.Bound));

        var crash = capture.WaitFor(r => r is { Category: "ActorPool.ProcessPool", EventId: 206 }, "crash record");
        Assert.Equal(LogLevel.Error, crash.Level);
        Assert.Equal(pid, crash.Properties["WorkerPid"]);
        Assert.Equal(3, crash.Properties["ExitCode"]);
        Assert.Contains($"Worker process {pid} exited unexpectedly with code 3", crash.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")] // real worker processes
    public void ProcessPool_InitializerThrowsInWorker_RecordReachesParentsLoggerWithTheWorkersPid()
    {
        var capture = new LogCapture();
        using var pool = new ProcessPoolExecutor(maxWorkers: 1, initializer: LoggingCalls.ThrowInInitializer, loggerFactory: capture.Factory);

        Assert.Throws<BrokenProcessPoolException>(() => pool.Submit(ProcessCalls.Pid).Result(Probe.Bound));

        // The worker's own record, sent over its connection to the parent, logged there under ActorPool.Worker.
        var record = capture.WaitFor(r => r is { Category: "ActorPool.Worker", EventId: 303 }, "worker's initializer record");
        Assert.Equal(LogLevel.Error, record.Level);
        var workerPid = Assert.IsType<int>(record.Properties["WorkerPid"]);
        Assert.NotEqual(Environment.ProcessId, workerPid);
        Assert.Contains($"Exception in initializer of worker process {workerPid}", record.Message, StringComparison.Ordinal);
        Assert.Contains(LoggingCalls.InitializerMarker, record.Message, StringComparison.Ordinal);
        // And the pool's own record of what that did to it, naming the same worker.
        var broken = capture.WaitFor(r => r is { Category: "ActorPool.ProcessPool", EventId: 208 }, "pool's initializer record");
        Assert.Equal(workerPid, broken.Properties["WorkerPid"]);
    }

    [Fact]
    public void ThreadPool_CallbackThrows_LoggedAtErrorWithTheFutureThroughTheExecutorsLogger()
    {
        var capture = new LogCapture();
        using var pool = new ThreadPoolExecutor(maxWorkers: 1, loggerFactory: capture.Factory);
        var future = pool.Submit(() => 5);
        future.Result(Probe.Bound);

        future.AddDoneCallback((Future<int> _) => throw new InvalidOperationException("callback-marker"));

        var record = capture.WaitFor(r => r.EventId == 1, "callback failure");
        Assert.Equal(LogLevel.Error, record.Level);
        Assert.Equal("ActorPool.ThreadPool", record.Category);
        Assert.Same(future, record.Properties["Future"]);
        Assert.Equal("callback-marker", record.Exception?.Message);
    }

    [Fact]
    public void ThreadPool_InUsersSystemWithoutFactory_LogsThroughThatSystemsAkkaLogging()
    {
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Error));
        using var pool = new ThreadPoolExecutor(maxWorkers: 1, system: Sys);
        var future = pool.Submit(() => 5);
        future.Result(Probe.Bound);

        future.AddDoneCallback((Future<int> _) => throw new InvalidOperationException("akka-callback-marker"));

        var error = errors.FishForMessage<Error>(e => e.Cause?.Message == "akka-callback-marker", Probe.Bound);
        Assert.StartsWith("ActorPool.ThreadPool", error.LogSource, StringComparison.Ordinal);
        Assert.StartsWith("Exception calling callback for ", error.Message.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>Functions the logging tests' worker processes run.</summary>
public static class LoggingCalls
{
    public const string InitializerMarker = "initializer-failure-marker";

    public static void ThrowInInitializer() => throw new InvalidOperationException(InitializerMarker);
}
