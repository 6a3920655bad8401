namespace ActorPool.Tests.Contract;

// Progress from inside a call (API.md "Beyond Python": CallContext.ReportProgress, Future<T>.AddProgressCallback), on
// every executor: values in order, coalesced under load, and the last one delivered before the future is done.
public abstract partial class ExecutorContractTests
{
    [Fact]
    public void Progress_CallbacksGetTheValuesInOrder_AndTheLastBeforeTheFutureIsDone()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static item => item == 0);
        var future = executor.Submit(ProgressCalls.CountTo, probe.Key, 50);
        var seen = new Seen<int>();
        future.AddProgressCallback<int>(value => seen.Add(value, future.IsDone));
        probe.Open();

        Assert.Equal(50, future.Result(Probe.Bound));

        var values = seen.Values;
        Assert.NotEmpty(values);
        Assert.Equal(50, values[^1]); // the last value, before Result returned
        Assert.True(values.Zip(values.Skip(1)).All(pair => pair.First < pair.Second), $"not strictly increasing: {string.Join(", ", values)}");
        Assert.DoesNotContain(true, seen.WhileDone); // every one before the future was done
    }

    [Fact]
    public void Progress_BurstOfAHundredThousand_IsCoalescedAndEndsWithTheLastValue()
    {
        const int Count = 100_000;
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static item => item == 0);
        var future = executor.Submit(ProgressCalls.CountToAndSayDone, probe.Key, Count);
        var seen = new Seen<int>();
        future.AddProgressCallback<int>(value =>
        {
            if (seen.Values.Length == 0)
            {
                probe.WaitForStarts(2); // the first value holds the callbacks up until the call has reported every value
            }

            seen.Add(value, future.IsDone);
        });
        probe.Open();

        Assert.Equal(Count, future.Result(Probe.Bound));

        var values = seen.Values;
        Assert.Equal(Count, values[^1]);
        Assert.True(values.Length < Count, $"{values.Length} values delivered: nothing was coalesced");
        Assert.True(values.Zip(values.Skip(1)).All(pair => pair.First < pair.Second), "not strictly increasing");
        Assert.DoesNotContain(true, seen.WhileDone);
    }

    [Fact]
    public void Progress_ReportedOutsideACall_IsANoOp()
    {
        CallContext.ReportProgress(1);
        CallContext.ReportProgress<string?>(null);

        var executor = StartExecutor(1);
        var future = executor.Submit(ContractCalls.Negate, 3);
        var seen = new Seen<int>();
        future.AddProgressCallback<int>(value => seen.Add(value, future.IsDone));
        Assert.Equal(-3, future.Result(Probe.Bound));
        CallContext.ReportProgress(4); // the test's thread is no call: nothing reaches the future

        Assert.Empty(seen.Values);
    }

    [Fact]
    public void Progress_CallbackThatThrows_IsLoggedAndStillGetsTheLaterValues_AsDoTheOthers()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static item => item <= 1);
        var future = executor.Submit(ProgressCalls.InTwoSteps, probe.Key);
        var throwing = new Seen<int>();
        var other = new Seen<int>();
        future.AddProgressCallback<int>(value =>
        {
            throwing.Add(value, future.IsDone);
            throw new ProbeException($"progress callback failed on {value}");
        });
        future.AddProgressCallback<int>(value => other.Add(value, future.IsDone));
        probe.Open(0);
        Assert.True(SpinWait.SpinUntil(() => other.Values.Length == 1, Probe.Bound), "the first value never came");
        probe.Open(1);

        Assert.Equal(2, future.Result(Probe.Bound));

        Assert.Equal([1, 2], throwing.Values);
        Assert.Equal([1, 2], other.Values);
    }

    [Fact]
    public void Progress_ValueThatCannotBeReadAsTheCallbacksType_IsSkippedForThatCallbackOnly()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static item => item == 0);
        var future = executor.Submit(ProgressCalls.CountTo, probe.Key, 3);
        var asText = new Seen<string>();
        var asNumber = new Seen<int>();
        future.AddProgressCallback<string>(value => asText.Add(value, future.IsDone));
        future.AddProgressCallback<int>(value => asNumber.Add(value, future.IsDone));
        probe.Open();

        Assert.Equal(3, future.Result(Probe.Bound));

        Assert.Empty(asText.Values); // an int is no string, here or as JSON
        Assert.Equal(3, asNumber.Values[^1]);
    }

    [Fact]
    public void Progress_ValueThatCannotBeDelivered_NeitherFailsTheCallNorStopsLaterValues()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static item => item == 0);
        var future = executor.Submit(ProgressCalls.ReportsAnUnserializableValueThenSeven, probe.Key);
        var seen = new Seen<int>();
        future.AddProgressCallback<int>(value => seen.Add(value, future.IsDone));
        probe.Open();

        Assert.Equal(7, future.Result(Probe.Bound)); // dropped (a worker cannot serialize it) or skipped (it is no int)

        Assert.Equal([7], seen.Values);
    }

    [Fact]
    public void Progress_CallbackAddedAfterValuesWereReported_GetsTheLatestFirst()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static item => item == 1);
        var future = executor.Submit(ProgressCalls.InTwoSteps, probe.Key);
        var first = new Seen<int>();
        future.AddProgressCallback<int>(value => first.Add(value, future.IsDone));
        Assert.True(SpinWait.SpinUntil(() => first.Values.Length == 1, Probe.Bound), "the first value never came");
        var late = new Seen<int>();
        future.AddProgressCallback<int>(value => late.Add(value, future.IsDone));
        Assert.True(SpinWait.SpinUntil(() => late.Values.Length == 1, Probe.Bound), "the late callback never got the latest value");
        probe.Open();

        Assert.Equal(2, future.Result(Probe.Bound));

        Assert.Equal([1, 2], late.Values);
        Assert.DoesNotContain(true, late.WhileDone);
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(4, null)]
    [InlineData(1, 3)]
    public void Map_WithProgress_ReportsItemsCompletedInOrder_AndEndsAtAllOfThem(int chunkSize, int? bufferSize)
    {
        const int Count = 20;
        var executor = StartExecutor(SeveralWorkers);
        var progress = new Reports();

        var results = executor.Map(ContractCalls.Negate, Enumerable.Range(0, Count), chunkSize: chunkSize, bufferSize: bufferSize, progress: progress).ToList();

        Assert.Equal(Enumerable.Range(0, Count).Select(x => -x), results);
        progress.AssertEachNewerEndingAt(Count);
    }

    [Fact]
    public async Task MapAsync_WithProgress_KnowsTheTotalOnlyOnceItsSourceEnds_AndEndsAtAllOfThem()
    {
        const int Count = 12;
        var executor = StartExecutor(SeveralWorkers);
        var progress = new Reports();
        var results = new List<int>();

        await foreach (var result in executor.MapAsync(ContractCalls.Negate, EndingOnceReported(Count, progress), bufferSize: 2, progress: progress))
        {
            results.Add(result);
        }

        Assert.Equal(Enumerable.Range(0, Count).Select(x => -x), results);
        progress.AssertEachNewerEndingAt(Count);
        Assert.Null(progress.All[0].Total); // reported while the source had not ended
    }

    /// <summary>0 to <paramref name="count"/> - 1, and then an end that waits for a first progress report.</summary>
    private static async IAsyncEnumerable<int> EndingOnceReported(int count, Reports progress)
    {
        for (var i = 0; i < count; i++)
        {
            yield return i;
        }

        await Task.Yield();
        Assert.True(SpinWait.SpinUntil(() => progress.All.Length > 0, Probe.Bound), "no progress was reported before the source ended");
    }

    /// <summary>What a progress callback was given, and whether the future was done at the time.</summary>
    private sealed class Seen<T>
    {
        private readonly List<(T Value, bool Done)> seen = [];

        public T[] Values
        {
            get
            {
                lock (seen)
                {
                    return [.. seen.Select(entry => entry.Value)];
                }
            }
        }

        public bool[] WhileDone
        {
            get
            {
                lock (seen)
                {
                    return [.. seen.Select(entry => entry.Done)];
                }
            }
        }

        public void Add(T value, bool done)
        {
            lock (seen)
            {
                seen.Add((value, done));
            }
        }
    }

    /// <summary>A map's progress reports, as its <see cref="IProgress{T}"/> receives them.</summary>
    private sealed class Reports : IProgress<MapProgress>
    {
        private readonly List<MapProgress> reports = [];

        public MapProgress[] All
        {
            get
            {
                lock (reports)
                {
                    return [.. reports];
                }
            }
        }

        public void Report(MapProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }

        /// <summary>Each report is newer than the one before (more items, or the total just known), and the last is (n, n).</summary>
        public void AssertEachNewerEndingAt(int count)
        {
            var all = All;
            Assert.Equal(new MapProgress(count, count), all[^1]);
            foreach (var (before, after) in all.Zip(all.Skip(1)))
            {
                Assert.True(after.Completed > before.Completed || (before.Total is null && after.Total is not null), $"{after} is not newer than {before}");
                Assert.True(after.Completed >= before.Completed, $"{after} counts fewer than {before}");
            }

            Assert.All(all, report => Assert.True(report.Total is null || report.Total == count, $"{report} has the wrong total"));
        }
    }
}
