using System.Reflection;

namespace ActorPool.Tests.ProcessPool;

/// <summary>How a worker process is started: as this app (here the test host), made a worker by ActorPool's startup hook.</summary>
public sealed partial class ProcessPoolExecutorTests
{
    [Fact]
    public void Worker_IsThisAppMadeAWorkerByTheStartupHook_WhichHidesItselfFromWhatTheWorkerStarts()
    {
        Assert.Null(Environment.GetEnvironmentVariable("DOTNET_STARTUP_HOOKS")); // the test run sets none of its own
        var pool = Start();

        var (hooks, program, app, startedAs) = pool.Submit(ProcessCalls.LaunchView).Result(Bound) switch
        {
            [var h, var p, var a, var s] => (h, p, a, s),
            var other => throw new InvalidOperationException($"unexpected view: {string.Join(", ", other)}"),
        };

        Assert.Equal(Assembly.GetEntryAssembly()?.GetName().Name, app);
        Assert.Equal("", hooks);
        Assert.Equal("", program);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal("started as ActorPool", startedAs);
        }
    }
}
