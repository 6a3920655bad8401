using ActorPool.Tests.Support;
using System.Collections.Concurrent;

namespace ActorPool.Tests.Threads;

// Shutdown and Dispose of a thread pool: the thread-pool half of CPython's test_shutdown.py, P44 and P46, and
// the lifetime of the actor system (owned, or the user's).
public sealed partial class ThreadPoolExecutorTests
{
    [Fact]
    public async Task Shutdown_WaitTrueFromInsideACall_ThrowsInvalidOperationExceptionInsteadOfDeadlocking() // P46
    {
        var executor = Start(2);
        var future = executor.Submit(() =>
        {
            executor.Shutdown(wait: true);
            return 0;
        });

        Assert.IsType<InvalidOperationException>(future.Exception(Bound));
        await executor.ShutdownAsync().WaitAsync(Bound);
    }

    [Fact]
    public void Dispose_FromInsideACall_ThrowsInvalidOperationExceptionInsteadOfDeadlocking()
    {
        var executor = Start(1);
        var future = executor.Submit(() => executor.Dispose());

        Assert.IsType<InvalidOperationException>(future.Exception(Bound));
    }

    [Fact]
    public async Task Shutdown_WaitFalseFromInsideACall_ReturnsAndThePoolStops()
    {
        var executor = Start(1);
        var future = executor.Submit(() => executor.Shutdown(wait: false));

        Assert.Null(future.Exception(Bound));
        await executor.ShutdownAsync().WaitAsync(Bound);
        Assert.Throws<InvalidOperationException>(() => executor.Submit(static () => 0));
    }

    [Fact]
    public async Task Shutdown_CancelFuturesOnOneWorkerWithTenQueued_RunningOneFinishesTheRestAreCanceled() // P44
    {
        var executor = Start(1);
        using var started = new ManualResetEventSlim(false);
        using var gate = new ManualResetEventSlim(false);
        var ran = new ConcurrentQueue<int>();
        try
        {
            var futures = Enumerable.Range(0, 10).Select(i => executor.Submit(() =>
            {
                ran.Enqueue(i);
                started.Set();
                return gate.Wait(Bound);
            })).ToArray();
            Assert.True(started.Wait(Bound));

            var shutdown = Blocking.Run(() => executor.Shutdown(wait: true, cancelFutures: true));
            Assert.Empty(Future.Wait(futures.Skip(1), Bound).NotDone);
            Assert.False(shutdown.IsCompleted); // the running call still holds the worker
            gate.Set();
            await shutdown.WaitAsync(Bound);

            Assert.True(futures[0].Result(TimeSpan.Zero));
            Assert.All(futures.Skip(1), f => Assert.True(f.IsCanceled));
            Assert.Equal([0], ran);
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public void Shutdown_WaitTrue_WorkerThreadsHaveExited() // test_threads_terminate
    {
        var executor = Start(3);
        var threads = EveryWorkerThread(executor);

        executor.Shutdown();

        Assert.All(threads, t => Assert.False(t.IsAlive, $"{t.Name} is still alive"));
    }

    [Fact]
    public void Shutdown_WaitFalse_WorkerThreadsStillExitAndResultsAreComplete() // test_shutdown_no_wait
    {
        var executor = Start(5);
        var threads = EveryWorkerThread(executor);
        var results = executor.Map(Math.Abs, Enumerable.Range(-5, 10));

        executor.Shutdown(wait: false);

        Assert.All(threads, t => Assert.True(t.Join(Bound), $"{t.Name} did not exit"));
        Assert.Equal([5, 4, 3, 2, 1, 0, 1, 2, 3, 4], results);
    }

    [Fact]
    public void Dispose_UsingBlock_WorkerThreadsHaveExited() // test_context_manager_shutdown
    {
        Thread[] threads;
        using (var executor = Start(5))
        {
            threads = EveryWorkerThread(executor);
            Assert.Equal([5, 4, 3, 2, 1, 0, 1, 2, 3, 4], executor.Map(Math.Abs, Enumerable.Range(-5, 10)));
        }

        Assert.All(threads, t => Assert.False(t.IsAlive, $"{t.Name} is still alive"));
    }

    [Fact]
    public async Task Dispose_OwnActorSystem_ReturnsPromptlyAndLeavesNoWorkerThreadAlive()
    {
        var prefix = $"Owned{Guid.NewGuid():N}";
        var executor = Track(new ThreadPoolExecutor(2, prefix));
        var threads = EveryWorkerThread(executor);
        Assert.All(threads, t => Assert.StartsWith(prefix + "_", t.Name, StringComparison.Ordinal));

        await Blocking.Run(executor.Dispose).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(threads, t => Assert.False(t.IsAlive, $"{t.Name} is still alive"));
    }

    [Fact]
    public void Dispose_UserActorSystem_LeavesItRunning()
    {
        var system = TestSystems.Create();
        systems.Add(system);
        var executor = Track(new ThreadPoolExecutor(2, system: system));
        Assert.Equal(42, executor.Submit(static () => 42).Result(Bound));

        executor.Dispose();

        Assert.False(system.WhenTerminated.IsCompleted);
        var next = Track(new ThreadPoolExecutor(2, system: system));
        Assert.Equal(43, next.Submit(static () => 43).Result(Bound));
    }

    [Fact]
    public async Task Submit_AfterTheUserActorSystemTerminated_FailsWithBrokenExecutorInsteadOfHanging()
    {
        var system = TestSystems.Create();
        systems.Add(system);
        var executor = Track(new ThreadPoolExecutor(2, system: system));
        Assert.Equal(1, executor.Submit(static () => 1).Result(Bound));

        await system.Terminate().WaitAsync(Bound);

        // BrokenExecutorException: "the executor can no longer run calls: ... or its actor system went away".
        Exception? error;
        try
        {
            error = executor.Submit(static () => 2).Exception(TimeSpan.FromSeconds(10));
        }
        catch (BrokenExecutorException thrown)
        {
            error = thrown;
        }

        Assert.IsAssignableFrom<BrokenExecutorException>(error);
    }
}
