using ActorPool.Tests.Support;

namespace ActorPool.Tests.Contract;

// Priorities and bounded submission (issue 18; docs/policies.md): the order queued calls start in, and what Submit,
// TrySubmit, WaitForRoomAsync, Map and MapAsync do when ExecutorPolicy.MaxQueuedCalls calls are queued. A queue is filled
// with TrySubmit rather than by counting: a process pool's parent learns that a call started only with its result, so
// there the running blocker holds room too (as actorpool.calls.queued counts it).
public abstract partial class ExecutorContractTests
{
    /// <summary>How long a submitter that should be blocked is watched for returning (only ever a lower bound on a wait).</summary>
    private static readonly TimeSpan StillBlocked = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void Priority_QueuedCalls_StartHighestFirstAndInSubmissionOrderWithinAPriority()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static item => item == 0);
        var blocker = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);

        (int Item, int Priority)[] queued = [(1, 0), (2, 0), (3, 5), (4, 1), (5, 5), (6, -3), (7, 1)];
        var futures = queued.Select(call => executor.Submit(ContractCalls.Step, probe.Key, call.Item, new CallOptions { Priority = call.Priority })).ToList();
        probe.Open();

        Assert.Equal(0, blocker.Result(Probe.Bound));
        Assert.Equal(queued.Select(static call => call.Item), futures.Select(static future => future.Result(Probe.Bound)));
        Assert.Equal([0, 3, 5, 4, 7, 1, 2, 6], probe.Started);
    }

    [Fact]
    public void Priority_OutOfRange_ThrowsArgumentOutOfRangeExceptionAtSubmit()
    {
        var executor = StartExecutor(1);

        var high = Assert.Throws<ArgumentOutOfRangeException>(() => executor.Submit(ContractCalls.Negate, 1, new CallOptions { Priority = CallOptions.MaxPriority + 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => executor.Submit(ContractCalls.Negate, 1, new CallOptions { Priority = int.MinValue }));
        Assert.Throws<ArgumentOutOfRangeException>(() => executor.TrySubmit(ContractCalls.Negate, 1, out _, new CallOptions { Priority = CallOptions.MinPriority - 1 }));

        Assert.Contains("CallOptions.Priority", high.Message, StringComparison.Ordinal);
        Assert.Equal(-1, executor.Submit(ContractCalls.Negate, 1, new CallOptions { Priority = CallOptions.MaxPriority }).Result(Probe.Bound));
    }

    [Fact]
    public void MaxQueuedCalls_NotPositiveOrUnknownMode_ThrowsArgumentOutOfRangeExceptionAtConstruction()
    {
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => StartExecutor(1, policy: new ExecutorPolicy { MaxQueuedCalls = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => StartExecutor(1, policy: new ExecutorPolicy { MaxQueuedCalls = -5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => StartExecutor(1, policy: new ExecutorPolicy { MaxQueuedCalls = 1, WhenFull = (QueueFullMode)7 }));

        Assert.Contains("MaxQueuedCalls", zero.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrySubmit_QueueFull_ReturnsFalseAndSubmitsNothing()
    {
        var executor = StartExecutor(1, policy: new ExecutorPolicy { MaxQueuedCalls = 3 });
        using var probe = new Probe(blocks: static item => item == 0);
        var (blocker, queued) = FillQueue(executor, probe, max: 3);

        Assert.False(executor.TrySubmit(ContractCalls.Step, probe.Key, 100, out var refused));
        Assert.Null(refused);
        probe.Open();

        Assert.Equal(0, blocker.Result(Probe.Bound));
        Assert.All(queued, static future => future.Result(Probe.Bound));
        Assert.DoesNotContain(100, probe.Started);
        Assert.True(executor.TrySubmit(ContractCalls.Negate, 4, out var later)); // room again once the queue drained
        Assert.Equal(-4, later.Result(Probe.Bound));
    }

    [Fact]
    public async Task Submit_QueueFull_WaitsUntilACanceledCallFreesRoom()
    {
        var executor = StartExecutor(1, policy: new ExecutorPolicy { MaxQueuedCalls = 2 });
        using var probe = new Probe(blocks: static item => item == 0);
        var (_, queued) = FillQueue(executor, probe, max: 2);
        var canceledItem = queued.Count;

        var waiting = Blocking.Run(() => executor.Submit(ContractCalls.Step, probe.Key, 100));
        Assert.False(await CompletesWithin(waiting, StillBlocked)); // full: Submit waits for room

        Assert.True(queued[^1].Cancel()); // a canceled call leaves the queue, and its room goes to the waiting submitter
        await waiting.WaitAsync(Probe.Bound);
        probe.Open();

        Assert.Equal(100, (await waiting).Result(Probe.Bound));
        Assert.DoesNotContain(canceledItem, probe.Started);
    }

    [Fact]
    public async Task Submit_QueueFull_ResumesWhenQueuedCallsStart()
    {
        var executor = StartExecutor(1, policy: new ExecutorPolicy { MaxQueuedCalls = 2 });
        using var probe = new Probe(blocks: static item => item == 0);
        var (blocker, queued) = FillQueue(executor, probe, max: 2);

        var waiting = Blocking.Run(() => executor.Submit(ContractCalls.Step, probe.Key, 100));
        Assert.False(await CompletesWithin(waiting, StillBlocked));
        probe.Open(); // the queued calls start (and finish), which frees their room

        await waiting.WaitAsync(Probe.Bound);
        Assert.Equal(100, (await waiting).Result(Probe.Bound));
        Assert.Equal(0, blocker.Result(Probe.Bound));
        Assert.All(queued, static future => future.Result(Probe.Bound));
    }

    [Fact]
    public async Task Shutdown_ReleasesSubmittersWaitingForRoomWithInvalidOperationException()
    {
        var executor = StartExecutor(1, policy: new ExecutorPolicy { MaxQueuedCalls = 2 });
        using var probe = new Probe(blocks: static item => item == 0);
        FillQueue(executor, probe, max: 2);
        var waiting = Blocking.Run(() => executor.Submit(ContractCalls.Step, probe.Key, 100));
        var waitingAsync = executor.WaitForRoomAsync();
        Assert.False(await CompletesWithin(waiting, StillBlocked));
        Assert.False(waitingAsync.IsCompleted);

        executor.Shutdown(wait: false);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => waiting);
        Assert.Equal(AfterShutdownMessage, error.Message);
        Assert.Equal(AfterShutdownMessage, (await Assert.ThrowsAsync<InvalidOperationException>(() => waitingAsync)).Message);
        probe.Open();
        await executor.ShutdownAsync().WaitAsync(Probe.Bound);
        Assert.DoesNotContain(100, probe.Started);
    }

    [Fact]
    public void Submit_QueueFullInThrowMode_ThrowsQueueFullExceptionNamingTheLimit()
    {
        var executor = StartExecutor(1, policy: new ExecutorPolicy { MaxQueuedCalls = 2, WhenFull = QueueFullMode.Throw });
        using var probe = new Probe(blocks: static item => item == 0);
        var (_, queued) = FillQueue(executor, probe, max: 2);

        var full = Assert.Throws<QueueFullException>(() => executor.Submit(ContractCalls.Step, probe.Key, 100));

        Assert.Equal(2, full.MaxQueuedCalls);
        Assert.Contains("2 calls are queued", full.Message, StringComparison.Ordinal);
        Assert.True(queued[^1].Cancel());
        var next = executor.Submit(ContractCalls.Negate, 3); // in the canceled call's room: no throw
        probe.Open();
        Assert.Equal(-3, next.Result(Probe.Bound));
        Assert.DoesNotContain(100, probe.Started);
    }

    [Fact]
    public async Task WaitForRoomAsync_QueueFull_HonoursItsTokenAndCompletesWhenRoomFrees()
    {
        var executor = StartExecutor(1, policy: new ExecutorPolicy { MaxQueuedCalls = 2 });
        using var probe = new Probe(blocks: static item => item == 0);
        var (_, queued) = FillQueue(executor, probe, max: 2);
        using var source = new CancellationTokenSource();

        var canceled = executor.WaitForRoomAsync(source.Token);
        var room = executor.WaitForRoomAsync();
        Assert.False(canceled.IsCompleted);
        await source.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled);
        Assert.False(room.IsCompleted);

        Assert.True(queued[^1].Cancel());
        await room.WaitAsync(Probe.Bound);
        Assert.True(executor.TrySubmit(ContractCalls.Negate, 5, out var next)); // the room it saw, not taken by waiting
        probe.Open();
        Assert.Equal(-5, next.Result(Probe.Bound));
    }

    [Fact]
    public async Task Map_QueueLimit_BlocksForRoomAsItSubmitsAndYieldsEveryResult()
    {
        var executor = StartExecutor(1, policy: new ExecutorPolicy { MaxQueuedCalls = 2 });
        using var probe = new Probe(blocks: static item => item == 0);
        var blocker = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);

        // Map submits every call before it returns: without a limit at once, here only as calls leave the queue.
        var map = Blocking.Run(() => executor.Map(ContractCalls.Step, KeysOf(probe), Enumerable.Range(1, 8)));
        Assert.False(await CompletesWithin(map, StillBlocked));
        probe.Open();

        Assert.Equal(Enumerable.Range(1, 8), (await map.WaitAsync(Probe.Bound)).ToList());
        Assert.Equal(0, blocker.Result(Probe.Bound));
    }

    [Fact]
    public async Task MapAsync_QueueLimit_AwaitsRoomAndYieldsEveryResult()
    {
        var executor = StartExecutor(1, policy: new ExecutorPolicy { MaxQueuedCalls = 2 });
        using var probe = new Probe(blocks: static item => item == 0);
        var blocker = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);

        var results = new List<int>();
        var map = Task.Run(async () =>
        {
            await foreach (var result in executor.MapAsync(ContractCalls.Negate, Enumerable.Range(1, 8), bufferSize: 8))
            {
                results.Add(result);
            }
        });
        Assert.False(map.IsCompleted);
        probe.Open();

        await map.WaitAsync(Probe.Bound);
        Assert.Equal(Enumerable.Range(1, 8).Select(static item => -item), results);
        Assert.Equal(0, blocker.Result(Probe.Bound));
    }

    [Fact]
    public async Task MapAsync_QueueLimitInThrowMode_ThrowsQueueFullExceptionWhenItsWindowWouldOverfillTheQueue()
    {
        var executor = StartExecutor(1, policy: new ExecutorPolicy { MaxQueuedCalls = 2, WhenFull = QueueFullMode.Throw });
        using var probe = new Probe(blocks: static item => item == 0);
        var blocker = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);

        await Assert.ThrowsAsync<QueueFullException>(async () =>
        {
            await foreach (var _ in executor.MapAsync(ContractCalls.Negate, Enumerable.Range(1, 8), bufferSize: 8))
            {
            }
        });

        probe.Open();
        Assert.Equal(0, blocker.Result(Probe.Bound));
        Assert.Equal(-9, executor.Submit(ContractCalls.Negate, 9).Result(Probe.Bound)); // the map's calls left no room behind
    }

    /// <summary>True if <paramref name="task"/> completes within <paramref name="time"/>: a check that something is still blocked, never a limit on how long a step may take.</summary>
    private static async Task<bool> CompletesWithin(Task task, TimeSpan time) => await Task.WhenAny(task, Task.Delay(time)).ConfigureAwait(false) == task;

    /// <summary>
    /// Blocks the executor's only worker with item 0, then queues items 1, 2, … with <c>TrySubmit</c> until the queue of
    /// <paramref name="max"/> is full: <paramref name="max"/> calls, or one fewer where the running blocker still counts as queued.
    /// </summary>
    private static (Future<int> Blocker, List<Future<int>> Queued) FillQueue(Executor executor, Probe probe, int max)
    {
        var blocker = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);
        var queued = new List<Future<int>>();
        while (executor.TrySubmit(ContractCalls.Step, probe.Key, queued.Count + 1, out var future))
        {
            queued.Add(future);
            Assert.True(queued.Count <= max, $"TrySubmit took more than MaxQueuedCalls = {max} calls");
        }

        Assert.InRange(queued.Count, Math.Max(1, max - 1), max);
        return (blocker, queued);
    }
}
