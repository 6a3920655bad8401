namespace ActorPool.Tests.Threads;

/// <summary>
/// What only a thread pool does with a call that will not stop: it cannot kill a thread, so it abandons it (the contract
/// suite's stopping tests cover what every executor does).
/// </summary>
public sealed class StoppableCallTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public void HungCall_IsAbandoned_ItsLateResultNeverReachesItsFuture()
    {
        using var executor = new ThreadPoolExecutor(1);
        using var release = new ManualResetEventSlim();
        var options = new CallOptions { Timeout = TimeSpan.FromMilliseconds(100), GracePeriod = TimeSpan.FromMilliseconds(200) };

        var hung = executor.Submit(() =>
        {
            release.Wait(); // deaf to its token
            return 42;
        }, options);

        Assert.IsType<TimeoutException>(hung.Exception(Bound));
        Assert.Equal(1, executor.AbandonedThreads);
        Assert.Equal(7, executor.Submit(static () => 7).Result(Bound)); // its worker went on

        release.Set();
        Assert.True(SpinWait.SpinUntil(() => executor.AbandonedThreads == 0, Bound), "the abandoned thread was never counted out");
        Assert.IsType<TimeoutException>(hung.Exception(TimeSpan.Zero));
    }

    [Fact]
    public void StoppableCall_RunsOnAThreadOfThePoolThatRanTheInitializer()
    {
        var initialized = new ThreadLocal<bool>();
        using var executor = new ThreadPoolExecutor(1, threadNamePrefix: "stoppable", initializer: () => initialized.Value = true);
        using var source = new CancellationTokenSource();

        var (name, ranInitializer) = executor.Submit(() => (Thread.CurrentThread.Name, initialized.Value), new CallOptions { CancellationToken = source.Token }).Result(Bound);

        Assert.StartsWith("stoppable_", name, StringComparison.Ordinal);
        Assert.True(ranInitializer);
    }

    [Fact]
    public void ShutdownWait_FromAStoppableCall_ThrowsInsteadOfWaitingForItself()
    {
        var executor = new ThreadPoolExecutor(1);
        using var source = new CancellationTokenSource();

        var future = executor.Submit(() => executor.Shutdown(wait: true), new CallOptions { CancellationToken = source.Token });

        Assert.IsType<InvalidOperationException>(future.Exception(Bound));
        executor.Shutdown();
    }
}
