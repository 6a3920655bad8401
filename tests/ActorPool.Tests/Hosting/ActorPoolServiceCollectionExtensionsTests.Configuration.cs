using ActorPool.Tests.Support;
using ActorPool.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ActorPool.Tests.Hosting;

/// <summary><see cref="ActorPoolServiceCollectionExtensions.AddActorPool(IServiceCollection, IConfiguration)"/>: executors declared in
/// configuration (here in memory, as an appsettings.json section would be read), and its validation when the host starts.</summary>
public sealed partial class ActorPoolServiceCollectionExtensionsTests
{
    private static int configuredInitializerRuns;

    [Fact]
    public async Task AddActorPool_FromConfiguration_BindsEachExecutorsSettingsByName()
    {
        var configuration = Configuration(new()
        {
            ["ActorPool:Executors:io:Kind"] = "ThreadPool",
            ["ActorPool:Executors:io:MaxWorkers"] = "3",
            ["ActorPool:Executors:io:ThreadNamePrefix"] = "from-config",
            ["ActorPool:Executors:parse:Kind"] = "threadpool", // values of Kind, as keys, are case-insensitive
            ["ActorPool:Executors:parse:MaxWorkers"] = "1",
            ["ActorPool:Executors:parse:Default"] = "true",
        });
        using var host = TestHosts.Build(services => services
            .AddActorPool(configuration.GetSection("ActorPool"))
            .Configure<ThreadPoolExecutorOptions>("io", o => o.Initializer = CountInitializerRun)); // code adds what configuration cannot
        await host.StartAsync();

        var io = host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("io");
        var parse = host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("parse");

        Assert.Equal(3, io.MaxWorkers);
        Assert.StartsWith("from-config_", await io.Submit(() => Thread.CurrentThread.Name));
        Assert.True(Volatile.Read(ref configuredInitializerRuns) > 0);
        Assert.Equal(1, parse.MaxWorkers);
        Assert.Same(parse, host.Services.GetRequiredService<ThreadPoolExecutor>());
        await host.StopAsync();
    }

    [Fact]
    public async Task AddActorPool_FromConfiguration_BindsTheQueueLimit()
    {
        var configuration = Configuration(new()
        {
            ["ActorPool:Executors:io:Kind"] = "ThreadPool",
            ["ActorPool:Executors:io:MaxWorkers"] = "1",
            ["ActorPool:Executors:io:MaxQueuedCalls"] = "1",
            ["ActorPool:Executors:io:WhenFull"] = "Throw",
        });
        using var host = TestHosts.Build(services => services.AddActorPool(configuration.GetSection("ActorPool")));
        await host.StartAsync();
        var io = host.Services.GetRequiredKeyedService<ThreadPoolExecutor>("io");
        using var gate = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();

        var blocker = io.Submit(() => { started.Set(); gate.Wait(TimeSpan.FromSeconds(30)); });
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        var queued = io.Submit(static () => 1);

        Assert.Equal(1, Assert.Throws<QueueFullException>(() => io.Submit(static () => 2)).MaxQueuedCalls);
        gate.Set();
        Assert.Equal(1, await queued);
        await blocker;
        await host.StopAsync();
    }

    [Fact]
    public async Task AddActorPool_FromConfigurationAndCode_OneNameOneKindIsOneExecutor()
    {
        var configuration = Configuration(new() { ["ActorPool:Executors:io:Kind"] = "ThreadPool", ["ActorPool:Executors:io:MaxWorkers"] = "2" });
        using var host = TestHosts.Build(services => services
            .AddActorPool(configuration.GetSection("ActorPool"))
            .AddActorPool(pool => pool.AddThreadPoolExecutor("io", o => o.ThreadNamePrefix = "from-code")));
        await host.StartAsync();

        var io = host.Services.GetRequiredService<ThreadPoolExecutor>(); // the only one
        Assert.Equal(2, io.MaxWorkers);
        Assert.StartsWith("from-code_", await io.Submit(() => Thread.CurrentThread.Name));
        await host.StopAsync();
    }

    [Theory]
    [InlineData("io:Kind=ThreadPool", "io:MaxWorkers=0", "ActorPool:Executors:io:MaxWorkers is 0: set it to 1 or more, or leave it out")]
    [InlineData("cpu:Kind=ProcessPool", "cpu:MaxWorkers=-2", "ActorPool:Executors:cpu:MaxWorkers is -2: set it to 1 or more, or leave it out")]
    [InlineData("cpu:Kind=ProcessPool", "cpu:MaxTasksPerChild=0", "ActorPool:Executors:cpu:MaxTasksPerChild is 0: set it to 1 or more")]
    [InlineData("io:Kind=ThreadPool", "io:MaxQueuedCalls=0", "ActorPool:Executors:io:MaxQueuedCalls is 0: set it to 1 or more")]
    [InlineData("gpu:Kind=GpuPool", "gpu:MaxWorkers=1", "ActorPool:Executors:gpu:Kind is 'GpuPool', which is not an executor kind: set it to ThreadPool or ProcessPool")]
    [InlineData("io:MaxWorkers=1", "", "ActorPool:Executors:io:Kind is missing: set it to ThreadPool or ProcessPool")]
    [InlineData("io:Kind=ThreadPool", "io:MaxWorker=4", "ActorPool:Executors:io:MaxWorker is not a setting of a thread pool (misspelled?): its settings are Kind, MaxWorkers, ThreadNamePrefix, MaxQueuedCalls, WhenFull, Default")]
    [InlineData("cpu:Kind=ProcessPool", "cpu:ThreadNamePrefix=x", "ActorPool:Executors:cpu:ThreadNamePrefix is not a setting of a process pool (misspelled?): its settings are Kind, MaxWorkers, MaxTasksPerChild, MaxQueuedCalls, WhenFull, WorkerMemorySoftLimit, WorkerMemoryHardLimit, Default")]
    [InlineData("cpu:Kind=ProcessPool", "cpu:WorkerMemoryHardLimit=0", "ActorPool:Executors:cpu:WorkerMemoryHardLimit is 0: set it to a positive number of bytes")]
    [InlineData("cpu:Kind=ProcessPool", "cpu:Initializer=Setup.Run", "ActorPool:Executors:cpu:Initializer cannot be set in configuration: an initializer is code")]
    public async Task AddActorPool_FromConfigurationWithABadSetting_FailsStartNamingTheKeyAndTheFix(string first, string second, string expected)
    {
        var settings = new[] { first, second }.Where(s => s.Length > 0).Select(s => s.Split('='))
            .ToDictionary(s => "ActorPool:Executors:" + s[0], s => (string?)s[1]);
        using var host = TestHosts.Build(services => services.AddActorPool(Configuration(settings).GetSection("ActorPool")));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains(expected, Messages(error));
    }

    [Fact]
    public async Task AddActorPool_FromConfigurationWithAMisspelledSection_FailsStartNamingIt()
    {
        var configuration = Configuration(new() { ["ActorPool:Executor:io:Kind"] = "ThreadPool" });
        using var host = TestHosts.Build(services => services.AddActorPool(configuration.GetSection("ActorPool")));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("ActorPool:Executor is not an ActorPool setting (misspelled?): this section holds Executors only", Messages(error));
    }

    [Fact]
    public async Task AddActorPool_FromAMissingConfigurationSection_FailsStartNamingIt()
    {
        var configuration = Configuration(new() { ["ActorPol:Executors:io:Kind"] = "ThreadPool" });
        using var host = TestHosts.Build(services => services.AddActorPool(configuration.GetSection("ActorPool")));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("The configuration section 'ActorPool' is missing or empty", Messages(error));
    }

    [Fact]
    public async Task AddActorPool_FromConfigurationWithAValueOfTheWrongType_FailsStartNamingTheKey()
    {
        var configuration = Configuration(new() { ["ActorPool:Executors:io:Kind"] = "ThreadPool", ["ActorPool:Executors:io:MaxWorkers"] = "four" });
        using var host = TestHosts.Build(services => services.AddActorPool(configuration.GetSection("ActorPool")));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("ActorPool:Executors:io:MaxWorkers", Messages(error));
    }

    [Fact]
    public async Task AddActorPool_FromConfigurationWithASoftMemoryLimitAboveTheHardOne_FailsStartNamingBoth()
    {
        var configuration = Configuration(new()
        {
            ["ActorPool:Executors:cpu:Kind"] = "ProcessPool",
            ["ActorPool:Executors:cpu:WorkerMemorySoftLimit"] = "2000000000",
            ["ActorPool:Executors:cpu:WorkerMemoryHardLimit"] = "1000000000",
        });
        using var host = TestHosts.Build(services => services.AddActorPool(configuration.GetSection("ActorPool")));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("ActorPool:Executors:cpu:WorkerMemorySoftLimit (2000000000) is above ActorPool:Executors:cpu:WorkerMemoryHardLimit (1000000000)", Messages(error));
    }

    [Fact]
    public void AddActorPool_FromConfiguration_BindsAProcessPoolsMemoryLimitsIntoItsPolicy()
    {
        var configuration = Configuration(new()
        {
            ["ActorPool:Executors:cpu:Kind"] = "ProcessPool",
            ["ActorPool:Executors:cpu:WorkerMemorySoftLimit"] = "1073741824",
            ["ActorPool:Executors:cpu:WorkerMemoryHardLimit"] = "1610612736",
            ["ActorPool:Executors:plain:Kind"] = "ProcessPool",
        });
        using var host = TestHosts.Build(services => services.AddActorPool(configuration.GetSection("ActorPool")));
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<ProcessPoolExecutorOptions>>();

        var policy = options.Get("cpu").Policy;

        Assert.Equal(1L << 30, policy?.WorkerMemorySoftLimit);
        Assert.Equal(3L << 29, policy?.WorkerMemoryHardLimit);
        Assert.Null(options.Get("plain").Policy); // no limits: the executor's default policy, and no memory reads
    }

    private static void CountInitializerRun() => Interlocked.Increment(ref configuredInitializerRuns);

    private static IConfigurationRoot Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
