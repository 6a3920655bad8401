using ActorPool.Tests.Support;

namespace ActorPool.Tests.Contract;

// Shutdown, ShutdownAsync, Dispose and DisposeAsync: CPython's ExecutorShutdownTest (test_shutdown.py) and the
// probes P35, P42–P45 of PYTHON-SEMANTICS.md.
public abstract partial class ExecutorContractTests
{
    /// <summary>Opens the probe's gate a little later, from another thread, while the test thread blocks in a shutdown.</summary>
    private static Task OpenLater(Probe probe) =>
        Task.Delay(TimeSpan.FromMilliseconds(200)).ContinueWith(_ => probe.Open(), TaskScheduler.Default);

    private static Future<int>[] SubmitSteps(Executor executor, Probe probe, int count) =>
        [.. Enumerable.Range(0, count).Select(i => executor.Submit(ContractCalls.Step, probe.Key, i))];

    private static void AssertAllReturnedTheirItem(Future<int>[] futures)
    {
        for (var i = 0; i < futures.Length; i++)
        {
            Assert.True(futures[i].IsDone, $"future {i} is not done");
            Assert.Equal(i, futures[i].Result(TimeSpan.Zero));
        }
    }

    [Fact]
    public void Shutdown_CalledAgain_DoesNotThrow()
    {
        var executor = StartExecutor(2);
        var future = executor.Submit(ContractCalls.FortyTwo);

        executor.Shutdown();
        Assert.Null(Record.Exception(() => executor.Shutdown()));
        Assert.Null(Record.Exception(() => executor.Shutdown(wait: false, cancelFutures: true)));

        Assert.Equal(42, future.Result(TimeSpan.Zero));
        Assert.Throws<InvalidOperationException>(() => executor.Submit(ContractCalls.FortyTwo));
    }

    [Fact]
    public async Task Shutdown_WaitTrue_ReturnsOnlyAfterRunningAndQueuedCallsFinish()
    {
        var executor = StartExecutor(2);
        using var probe = new Probe(blocks: static _ => true);
        var futures = SubmitSteps(executor, probe, 6);
        probe.WaitForStarts(2);

        var opener = OpenLater(probe);
        executor.Shutdown(wait: true);

        AssertAllReturnedTheirItem(futures);
        await opener;
    }

    [Fact]
    public void Shutdown_ManyQuickCallsQueued_RunsThemAll() // test_hang_issue12364
    {
        var executor = StartExecutor(SeveralWorkers);
        var futures = Enumerable.Range(0, 50).Select(i => executor.Submit(ContractCalls.Negate, i)).ToArray();

        executor.Shutdown();

        Assert.Equal(Enumerable.Range(0, 50).Select(i => -i), futures.Select(f => f.Result(TimeSpan.Zero)));
    }

    [Fact]
    public void Shutdown_WaitFalse_ReturnsAtOnceAndQueuedCallsStillComplete() // test_shutdown_no_wait
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static i => i == 0);
        var futures = SubmitSteps(executor, probe, 5);
        probe.WaitForStarts(1);

        executor.Shutdown(wait: false);

        Assert.False(futures[0].IsDone); // the call still waits at the gate, so Shutdown did not wait for it
        Assert.Throws<InvalidOperationException>(() => executor.Submit(ContractCalls.FortyTwo));
        probe.Open();
        foreach (var future in futures)
        {
            future.Result(Probe.Bound);
        }

        AssertAllReturnedTheirItem(futures);
    }

    [Fact]
    public void Shutdown_CancelFutures_CancelsQueuedCallsAndNotifiesTheirWaiters()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static i => i == 0);
        var running = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);
        var queued = Enumerable.Range(1, 10).Select(i => executor.Submit(ContractCalls.Step, probe.Key, i)).ToArray();

        executor.Shutdown(wait: false, cancelFutures: true);

        // docs/contract.md departs from CPython here: the canceled futures are notified, so Wait and AsCompleted see them.
        var waited = Future.Wait(queued, Probe.Bound);
        Assert.Empty(waited.NotDone);
        Assert.Equal(queued.Length, waited.Done.Count);
        Assert.All(queued, f => Assert.True(f.IsCanceled));
        Assert.Equal(queued.Length, Future.AsCompleted(queued, TimeSpan.Zero).Count());
        Assert.Throws<OperationCanceledException>(() => queued[0].Result(TimeSpan.Zero));

        probe.Open();
        Assert.Equal(0, running.Result(Probe.Bound));
        executor.Shutdown(wait: true);
        Assert.Equal([0], probe.Started);
    }

    [Fact]
    public void Shutdown_CancelFuturesWithManyQueued_CancelsMostAndTheRestSucceed() // test_cancel_futures
    {
        var executor = StartExecutor(2);
        using var probe = new Probe(blocks: static _ => true);
        var futures = SubmitSteps(executor, probe, 50);
        probe.WaitForStarts(2);

        executor.Shutdown(wait: false, cancelFutures: true);
        probe.Open();
        executor.Shutdown(wait: true);

        var canceled = futures.Where(f => f.IsCanceled).ToArray();
        var others = futures.Where(f => !f.IsCanceled).ToArray();
        Assert.True(canceled.Length > 20, $"only {canceled.Length} of 50 were canceled");
        Assert.NotEmpty(others);
        Assert.All(others, f =>
        {
            Assert.True(f.IsDone);
            Assert.Null(f.Exception(TimeSpan.Zero));
        });
    }

    [Fact]
    public async Task Shutdown_AfterACallWasCanceledRightBefore_DoesNotHang() // test_hang_gh94440
    {
        var executor = StartExecutor(1);
        Assert.Equal(42, executor.Submit(ContractCalls.FortyTwo).Result(Probe.Bound));
        var canceled = executor.Submit(ContractCalls.FortyTwo);
        canceled.Cancel();

        await Blocking.Run(() => executor.Shutdown(wait: true)).WaitAsync(Probe.Bound);

        Assert.True(canceled.IsDone);
    }

    [Fact]
    public async Task ShutdownAsync_CompletesOnlyAfterPendingCallsFinish()
    {
        var executor = StartExecutor(2);
        using var probe = new Probe(blocks: static _ => true);
        var futures = SubmitSteps(executor, probe, 4);
        probe.WaitForStarts(2);

        var shutdown = executor.ShutdownAsync();
        Assert.False(shutdown.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => executor.Submit(ContractCalls.FortyTwo));
        probe.Open();
        await shutdown.WaitAsync(Probe.Bound);

        AssertAllReturnedTheirItem(futures);
    }

    [Fact]
    public async Task ShutdownAsync_CancelFutures_CancelsQueuedCalls()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static i => i == 0);
        var futures = SubmitSteps(executor, probe, 4);
        probe.WaitForStarts(1);

        var shutdown = executor.ShutdownAsync(cancelFutures: true);
        // Every call not started is canceled and notified, but for one granted ahead of the blocked call (sent with it to a
        // cluster node worker), which counts as running and runs after it.
        Assert.True(SharedState.PollUntil(() => futures.Skip(1).All(static f => f.IsDone || f.IsRunning), Probe.Bound));
        var granted = futures.Skip(1).Where(static f => !f.IsCanceled).ToArray();
        Assert.InRange(granted.Length, 0, GrantedAheadPerWorker);
        Assert.Empty(Future.Wait(futures.Skip(1).Except(granted), Probe.Bound).NotDone);
        probe.Open();
        await shutdown.WaitAsync(Probe.Bound);

        Assert.Equal(0, futures[0].Result(TimeSpan.Zero));
        var ran = granted.Select(f => Array.IndexOf(futures, f)).ToArray();
        Assert.All(granted, f => Assert.Equal(Array.IndexOf(futures, f), f.Result(TimeSpan.Zero)));
        Assert.Equal([0, .. ran], probe.Started);
    }

    [Fact]
    public async Task Dispose_PendingCalls_WaitsForThem()
    {
        var executor = StartExecutor(2);
        using var probe = new Probe(blocks: static _ => true);
        var futures = SubmitSteps(executor, probe, 4);
        probe.WaitForStarts(2);

        var opener = OpenLater(probe);
        executor.Dispose();

        AssertAllReturnedTheirItem(futures);
        Assert.Throws<InvalidOperationException>(() => executor.Submit(ContractCalls.FortyTwo));
        await opener;
    }

    [Fact]
    public async Task DisposeAsync_PendingCalls_CompletesOnlyAfterThem()
    {
        var executor = StartExecutor(2);
        using var probe = new Probe(blocks: static _ => true);
        var futures = SubmitSteps(executor, probe, 4);
        probe.WaitForStarts(2);

        var disposal = executor.DisposeAsync().AsTask();
        Assert.False(disposal.IsCompleted);
        probe.Open();
        await disposal.WaitAsync(Probe.Bound);

        AssertAllReturnedTheirItem(futures);
        Assert.Throws<InvalidOperationException>(() => executor.Submit(ContractCalls.FortyTwo));
    }

    [Fact]
    public void Dispose_UsingBlock_ShutsDownAfterTheBody() // test_context_manager_shutdown
    {
        Executor used;
        using (var executor = StartExecutor(SeveralWorkers))
        {
            used = executor;
            Assert.Equal([5, 4, 3, 2, 1, 0, 1, 2, 3, 4], executor.Map(ContractCalls.Abs, Enumerable.Range(-5, 10)));
        }

        Assert.Throws<InvalidOperationException>(() => used.Submit(ContractCalls.FortyTwo));
    }

    [Fact]
    public async Task Dispose_UsingBlockWithPendingCalls_WaitsForThem()
    {
        using var probe = new Probe(blocks: static _ => true);
        Future<int>[] futures;
        Task opener;
        using (var executor = StartExecutor(2))
        {
            futures = SubmitSteps(executor, probe, 4);
            probe.WaitForStarts(2);
            opener = OpenLater(probe);
        }

        AssertAllReturnedTheirItem(futures);
        await opener;
    }

    [Fact]
    public async Task Dispose_UsingBodyThrows_ExceptionPropagatesAfterPendingCallsFinish()
    {
        using var probe = new Probe(blocks: static _ => true);
        Future<int>? future = null;
        Task? opener = null;

        var error = Assert.Throws<ProbeException>((Action)(() =>
        {
            using var executor = StartExecutor(1);
            future = executor.Submit(ContractCalls.Step, probe.Key, 0);
            probe.WaitForStarts(1);
            opener = OpenLater(probe);
            throw new ProbeException("raised in the using body");
        }));

        Assert.Equal("raised in the using body", error.Message);
        Assert.NotNull(future);
        Assert.True(future.IsDone);
        Assert.Equal(0, future.Result(TimeSpan.Zero));
        await opener!;
    }
}
