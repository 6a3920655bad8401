namespace ActorPool.Tests.Contract;

// MapAsync (API.md "Beyond Python"): lazy, bounded, ordered, and stopped as a whole.
public abstract partial class ExecutorContractTests
{
    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    private static async IAsyncEnumerable<int> AsyncRange(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task MapAsync_YieldsEveryResultInInputOrder(int chunkSize)
    {
        var executor = StartExecutor(SeveralWorkers);

        var fromList = await ToListAsync(executor.MapAsync(ContractCalls.Negate, Enumerable.Range(0, 20), chunkSize: chunkSize));
        var fromStream = await ToListAsync(executor.MapAsync(ContractCalls.Negate, AsyncRange(20), bufferSize: 4, chunkSize: chunkSize));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => -i), fromList);
        Assert.Equal(fromList, fromStream);
    }

    [Fact]
    public async Task MapAsync_IsLazy_ItReadsAtMostBufferSizeItemsAheadOfTheConsumer()
    {
        var executor = StartExecutor(1);
        var items = new CountingSequence(); // endless

        var taken = 0;
        await foreach (var result in executor.MapAsync(ContractCalls.Negate, items, bufferSize: 3))
        {
            Assert.Equal(-taken, result);
            Assert.InRange(items.Pulled, taken + 1, taken + 4); // the buffer, and the one pulled to top it up
            if (++taken == 10)
            {
                break;
            }
        }
    }

    [Fact]
    public async Task MapAsync_LeftEarly_CancelsWhatIsQueuedAndStopsWhatRuns()
    {
        var executor = StartExecutor(2);
        using var probe = new Probe();
        var items = Enumerable.Range(0, 10).Select(i => new StopItem(probe.Key, i));

        await foreach (var first in executor.MapAsync(StopItem.FirstQuickRestWait, items, bufferSize: 4))
        {
            Assert.Equal(0, first);
            break;
        }

        // Both workers are free again (the calls that waited for their token stopped), and nothing past the buffer ever ran.
        using var after = new Probe(blocks: static _ => true);
        var next = Enumerable.Range(0, 2).Select(i => executor.Submit(ContractCalls.Step, after.Key, i)).ToList();
        after.WaitForStarts(2);
        after.Open();
        Assert.All(next, future => future.Result(Probe.Bound));
        Assert.All(probe.Started, item => Assert.InRange(item, 0, 4));
    }

    [Fact]
    public async Task MapAsync_TokenCanceled_ThrowsAndStopsTheCalls()
    {
        var executor = StartExecutor(2);
        using var probe = new Probe();
        using var source = new CancellationTokenSource();
        var items = Enumerable.Range(1, 4).Select(i => new StopItem(probe.Key, i)); // all wait for their token

        var reading = ToListAsync(executor.MapAsync(StopItem.FirstQuickRestWait, items, bufferSize: 2, cancellationToken: source.Token));
        probe.WaitForStarts(2);
        await source.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        Assert.Equal(7, executor.Submit(ContractCalls.Negate, -7).Result(Probe.Bound));
    }

    [Fact]
    public void Result_WithAToken_StopsWaitingButNotTheCall()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static _ => true);
        var future = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);
        using var source = new CancellationTokenSource();
        source.CancelAfter(TimeSpan.FromMilliseconds(100));

        Assert.Throws<OperationCanceledException>(() => future.Result(Probe.Bound, source.Token));
        Assert.Throws<OperationCanceledException>(() => future.Exception(Probe.Bound, source.Token));

        Assert.False(future.IsDone);
        probe.Open();
        Assert.Equal(0, future.Result(Probe.Bound, CancellationToken.None));
    }
}
