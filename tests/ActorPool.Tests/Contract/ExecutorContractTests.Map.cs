using ActorPool.Tests.Support;

namespace ActorPool.Tests.Contract;

// Executor.Map: CPython's ExecutorTest.test_map* (3.11–3.14 semantics, as docs/contract.md keeps them).
public abstract partial class ExecutorContractTests
{
    private static readonly int[] DivModDividends = [5, 5, 5, 5];

    [Fact]
    public void Map_TwoSequences_YieldsResultsInInputOrder() // test_map
    {
        var executor = StartExecutor(SeveralWorkers);
        var expected = Enumerable.Range(0, 10).Select(i => ContractCalls.Pow(i, i)).ToArray();

        Assert.Equal(expected, executor.Map(ContractCalls.Pow, Enumerable.Range(0, 10), Enumerable.Range(0, 10)).ToArray());
        Assert.Equal(expected, executor.Map(ContractCalls.Pow, Enumerable.Range(0, 10), Enumerable.Range(0, 10), chunkSize: 3).ToArray());
    }

    [Fact]
    public void Map_LaterItemsFinishFirst_StillYieldsInInputOrder()
    {
        var executor = StartExecutor(3);
        using var probe = new Probe(blocks: static i => i == 0);

        var results = executor.Map(ContractCalls.Step, KeysOf(probe), [0, 1, 2]);
        probe.WaitForFinishes(1, 2);
        probe.Open();

        Assert.Equal([0, 1, 2], results.ToArray());
        Assert.Equal(0, probe.Finished[^1]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(50)]
    public void Map_ChunkSize_YieldsEveryResultInOrder(int chunkSize)
    {
        var executor = StartExecutor(SeveralWorkers);
        var items = Enumerable.Range(-20, 40).ToArray();

        Assert.Equal(items.Select(Math.Abs), executor.Map(ContractCalls.Abs, items, chunkSize: chunkSize));
    }

    [Fact]
    public void Map_ChunkSize_AnItemThatThrowsFailsItsWholeChunk()
    {
        // One call per chunk (as Python's _process_chunk): item 4 throwing fails chunk [3, 4, 5], so item 3's result is lost
        // with it. Were each item a call of its own, item 3 would be yielded before the exception.
        var executor = StartExecutor(SeveralWorkers);
        int[] divisors = [1, 2, 3, 4, 0, 6];

        AssertYieldsThenDivideByZero([60, 30, 20], executor.Map(static (int divisor) => 60 / divisor, divisors, chunkSize: 3));
        AssertYieldsThenDivideByZero([(5, 0), (2, 1), (1, 2)], executor.Map(ContractCalls.DivMod, Enumerable.Repeat(5, 6), divisors, chunkSize: 3));

        static void AssertYieldsThenDivideByZero<T>(T[] expected, IEnumerable<T> results)
        {
            var yielded = new List<T>();
            using var enumerator = results.GetEnumerator();
            Assert.Throws<DivideByZeroException>(() =>
            {
                while (enumerator.MoveNext())
                {
                    yielded.Add(enumerator.Current);
                }
            });
            Assert.Equal(expected, yielded);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Map_ChunkSize_RunsEachChunkInOrderOnOneThread(int chunkSize)
    {
        var executor = StartExecutor(SeveralWorkers);
        using var probe = new Probe();
        var items = Enumerable.Range(0, 10).ToArray();

        var where = executor.Map(ContractCalls.StepWhere, KeysOf(probe), items, chunkSize: chunkSize).ToArray();

        var started = probe.Started;
        foreach (var chunk in items.Chunk(chunkSize))
        {
            Assert.Single(chunk.Select(i => where[i]).Distinct()); // one call: one process, one thread
            Assert.Equal(chunk, started.Where(chunk.Contains)); // one after the other, in input order
        }
    }

    [Fact]
    public void Map_ItemThrows_EarlierResultsThenItsExceptionThenEnd() // test_map_exception
    {
        var executor = StartExecutor(SeveralWorkers);
        using var results = executor.Map(ContractCalls.DivMod, DivModDividends, [2, 3, 0, 5]).GetEnumerator();

        Assert.True(results.MoveNext());
        Assert.Equal((2, 1), results.Current);
        Assert.True(results.MoveNext());
        Assert.Equal((1, 2), results.Current);
        Assert.Throws<DivideByZeroException>(() => results.MoveNext());
        Assert.False(results.MoveNext());
        Assert.False(results.MoveNext());
    }

    [Fact]
    public void Map_ItemThrowsInALaterChunk_EarlierChunksThenItsExceptionThenEnd() // test_map_exception (chunksize=3)
    {
        var executor = StartExecutor(SeveralWorkers);
        using var results = executor.Map(ContractCalls.DivMod, Enumerable.Repeat(5, 6), [2, 3, 1, 0, 5, 5], chunkSize: 3).GetEnumerator();

        Assert.True(results.MoveNext());
        Assert.Equal((2, 1), results.Current);
        Assert.True(results.MoveNext());
        Assert.Equal((1, 2), results.Current);
        Assert.True(results.MoveNext());
        Assert.Equal((5, 0), results.Current);
        Assert.Throws<DivideByZeroException>(() => results.MoveNext());
        Assert.False(results.MoveNext());
    }

    [Fact]
    public void Map_ItemThrows_CallsNotYetStartedAreCanceled()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static i => i > 0, failAt: 0);

        using (var results = executor.Map(ContractCalls.Step, KeysOf(probe), [0, 1, 2, 3]).GetEnumerator())
        {
            Assert.Throws<ProbeException>(() => results.MoveNext());
            Assert.False(results.MoveNext());
        }

        probe.Open();
        executor.Shutdown(wait: true);

        // Item 0 ran; the single worker may have taken one more before the rest were canceled (and been granted one more
        // ahead of it, as a cluster node worker is), never all of them.
        Assert.Equal(0, probe.Started[0]);
        Assert.InRange(probe.Started.Length, 1, 2 + GrantedAheadPerWorker);
    }

    [Fact]
    public void Map_CallThrowsTimeoutException_ComesBackAsTheCallsOwnException() // test_map_timeout_from_callable
    {
        var executor = StartExecutor(SeveralWorkers);
        AssertCallsOwnTimeout(null);
        AssertCallsOwnTimeout(Probe.Bound);

        void AssertCallsOwnTimeout(TimeSpan? timeout)
        {
            using var results = executor.Map(ContractCalls.TimeoutOnOne, Enumerable.Range(0, 4), timeout).GetEnumerator();

            Assert.True(results.MoveNext());
            Assert.Equal(0, results.Current);
            var error = Assert.Throws<TimeoutException>(() => results.MoveNext());
            Assert.Equal("raised by the call for item 1", error.Message);
        }
    }

    [Fact]
    [Trait("Category", "Slow")] // waits out a 2 s timeout
    public void Map_TimeoutExpires_ThrowsTimeoutExceptionThenEnds() // test_map_timeout
    {
        var executor = StartExecutor(SeveralWorkers);
        using var probe = new Probe(blocks: static i => i == 2);
        var results = new List<int>();

        using var enumerator = executor.Map(ContractCalls.Step, KeysOf(probe), [0, 1, 2], TimeSpan.FromSeconds(2)).GetEnumerator();
        Assert.Throws<TimeoutException>(() =>
        {
            while (enumerator.MoveNext())
            {
                results.Add(enumerator.Current);
            }
        });

        // Map's own timeout, thrown while item 2 still waited at its gate (opened only when the probe is disposed). Without
        // it, iteration would wait for item 2 until the call gave up at its gate, with a ProbeGateNeverOpenedException.
        Assert.DoesNotContain(2, probe.Finished);

        // As CPython (gh-110097): a loaded machine may not have run the quick items within the timeout.
        Assert.Equal(Enumerable.Range(0, results.Count), results);
        Assert.InRange(results.Count, 0, 2);
        Assert.False(enumerator.MoveNext());
        Assert.False(enumerator.MoveNext());
    }

    [Fact]
    [Trait("Category", "Slow")] // 2 s of delays
    public async Task Map_Timeout_IsMeasuredFromTheCallNotFromIteration()
    {
        var executor = StartExecutor(2);
        using var probe = new Probe(blocks: static i => i == 0);

        var results = executor.Map(ContractCalls.Step, KeysOf(probe), [0], TimeSpan.FromSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the deadline passes before iteration starts
        using var enumerator = results.GetEnumerator();

        // Item 0 finishes half a second into MoveNext: in time if the clock started at MoveNext, too late if at Map.
        var opener = Task.Delay(TimeSpan.FromSeconds(0.5)).ContinueWith(_ => probe.Open(), TaskScheduler.Default);
        Assert.Throws<TimeoutException>(() => enumerator.MoveNext());
        await opener;
    }

    [Fact]
    public void Map_TimeoutExpires_CancelsTheAwaitedAndTheRemainingCalls() // test_executor_map_current_future_cancel
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static i => i == 0);
        var first = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);

        using (var results = executor.Map(ContractCalls.Step, KeysOf(probe), [1, 2], TimeSpan.Zero).GetEnumerator())
        {
            Assert.Throws<TimeoutException>(() => results.MoveNext());
            Assert.False(results.MoveNext());
        }

        probe.Open();
        Assert.Equal(0, first.Result(Probe.Bound));
        executor.Shutdown(wait: true);
        Assert.Equal([0], probe.Started);
    }

    [Fact]
    public void Map_TwoSequencesOfDifferentLength_ShortestWins()
    {
        var executor = StartExecutor(SeveralWorkers);
        Assert.Equal([11, 22], executor.Map(ContractCalls.Add, [1, 2, 3], [10, 20]));
        Assert.Equal([11, 22], executor.Map(ContractCalls.Add, [1, 2], [10, 20, 30]));
        Assert.Empty(executor.Map(ContractCalls.Add, Array.Empty<int>(), [10, 20, 30]));
    }

    [Fact]
    public void Map_NotIterated_StillRunsEveryCall() // test_map_submits_without_iteration
    {
        var executor = StartExecutor(SeveralWorkers);
        using var probe = new Probe();

        _ = executor.Map(ContractCalls.Step, KeysOf(probe), Enumerable.Range(0, 10));
        executor.Shutdown(wait: true);

        Assert.Equal(Enumerable.Range(0, 10), probe.Started.Order());
    }

    [Fact]
    public void Map_NotIteratedThenShutdown_ResultsAreAllThere() // test_shutdown_race_issue12456
    {
        var executor = StartExecutor(SeveralWorkers);
        var results = executor.Map(ContractCalls.Str, Enumerable.Repeat(2, executor.MaxWorkers + 1));
        executor.Shutdown();

        Assert.Equal(Enumerable.Repeat("2", executor.MaxWorkers + 1), results);
    }

    [Fact]
    public void Map_EnumeratorDisposedEarly_EndsIteration() // test_map_close
    {
        var executor = StartExecutor(SeveralWorkers);
        foreach (var chunkSize in new[] { 1, 3 })
        {
            var results = executor.Map(ContractCalls.DivMod, DivModDividends, [2, 1, 3, 5], chunkSize: chunkSize).GetEnumerator();
            Assert.True(results.MoveNext());
            Assert.Equal((2, 1), results.Current);

            results.Dispose();

            Assert.False(results.MoveNext());
            Assert.False(results.MoveNext());
        }
    }

    [Fact]
    public void Map_EnumeratorDisposedEarly_CancelsTheCallsNotYetStarted()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static i => i == 1);

        using (var results = executor.Map(ContractCalls.Step, KeysOf(probe), [0, 1, 2, 3]).GetEnumerator())
        {
            Assert.True(results.MoveNext());
            Assert.Equal(0, results.Current);
            probe.WaitForStarts(2); // item 1 holds the only worker, items 2 and 3 are queued
        }

        probe.Open();
        executor.Shutdown(wait: true);
        // Items 0 and 1, and one granted ahead of item 1 where a worker is granted calls ahead (a cluster node's): in order.
        var started = probe.Started;
        Assert.InRange(started.Length, 2, 2 + GrantedAheadPerWorker);
        Assert.Equal(Enumerable.Range(0, started.Length), started);
    }

    [Fact]
    public void Map_BufferSizeAndTheInputThrowsMidIteration_CancelsEveryCallNotYetStarted()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static i => i == 0);
        var blocker = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1); // items 1 and 2 stay queued behind it

        using (var results = executor.Map(ContractCalls.Step, KeysOf(probe), ThenThrow(1, 2), bufferSize: 2).GetEnumerator())
        {
            Assert.Equal("the input failed", Assert.Throws<ProbeException>(() => results.MoveNext()).Message);
            Assert.False(results.MoveNext());
        }

        probe.Open();
        Assert.Equal(0, blocker.Result(Probe.Bound));
        executor.Shutdown(wait: true);

        // As CPython 3.14's map(buffersize=...): the generator's finally cancels every future it still holds.
        Assert.Equal([0], probe.Started);
    }

    private static IEnumerable<int> ThenThrow(params int[] items)
    {
        foreach (var item in items)
        {
            yield return item;
        }

        throw new ProbeException("the input failed");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Map_ChunkSizeBelowOne_ThrowsFromMapItself(int chunkSize)
    {
        var executor = StartExecutor(SeveralWorkers);
        Assert.Throws<ArgumentOutOfRangeException>(() => executor.Map(ContractCalls.Abs, [1, 2], chunkSize: chunkSize));
        Assert.Throws<ArgumentOutOfRangeException>(() => executor.Map(ContractCalls.Add, [1, 2], [3, 4], chunkSize: chunkSize));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Map_BufferSizeBelowOne_ThrowsFromMapItself(int bufferSize) // test_map_buffersize_value_validation
    {
        var executor = StartExecutor(SeveralWorkers);
        Assert.Throws<ArgumentOutOfRangeException>(() => executor.Map(ContractCalls.Str, Enumerable.Range(0, 4), bufferSize: bufferSize));
        Assert.Throws<ArgumentOutOfRangeException>(() => executor.Map(ContractCalls.Add, [1, 2], [3, 4], bufferSize: bufferSize));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Map_BufferSize_YieldsEveryResultInOrder(int bufferSize) // test_map_buffersize
    {
        var executor = StartExecutor(SeveralWorkers);
        Assert.Equal(["0", "1", "2", "3"], executor.Map(ContractCalls.Str, Enumerable.Range(0, 4), bufferSize: bufferSize));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Map_BufferSizeWithTwoSequences_YieldsEveryResultInOrder(int bufferSize) // test_map_buffersize_on_multiple_iterables
    {
        var executor = StartExecutor(SeveralWorkers);
        Assert.Equal([0, 2, 4, 6], executor.Map(ContractCalls.Add, Enumerable.Range(0, 4), Enumerable.Range(0, 4), bufferSize: bufferSize));
    }

    [Fact]
    public void Map_BufferSizeWithChunkSize_YieldsEveryResultInOrder()
    {
        var executor = StartExecutor(SeveralWorkers);
        var expected = Enumerable.Range(0, 10).Select(i => ContractCalls.Pow(i, i)).ToArray();
        foreach (var bufferSize in new[] { 1, 2, 9, 10, 11 })
        {
            foreach (var chunkSize in new[] { 1, 2, 9, 10, 11 })
            {
                Assert.Equal(expected, executor.Map(ContractCalls.Pow, Enumerable.Range(0, 10), Enumerable.Range(0, 10), chunkSize: chunkSize, bufferSize: bufferSize));
            }
        }
    }

    [Fact]
    public async Task Map_BufferSizeOnInfiniteSequence_YieldsLazily() // test_map_buffersize_on_infinite_iterable
    {
        var executor = StartExecutor(SeveralWorkers);
        var items = new CountingSequence();

        // On a worker thread and bounded: a Map that drained its input eagerly would never return.
        var results = await Blocking.Run(() => executor.Map(ContractCalls.Str, items, bufferSize: 2).Take(3).ToArray()).WaitAsync(Probe.Bound);

        Assert.Equal(["0", "1", "2"], results);
        Assert.InRange(items.Pulled, 3, 5);
    }

    [Fact]
    public async Task Map_BufferSizeOnTwoInfiniteSequences_YieldsLazily() // test_map_buffersize_on_multiple_infinite_iterables
    {
        var executor = StartExecutor(SeveralWorkers);
        var results = await Blocking.Run(() => executor.Map(ContractCalls.Add, new CountingSequence(), new CountingSequence(), bufferSize: 2).Take(3).ToArray())
            .WaitAsync(Probe.Bound);

        Assert.Equal([0, 2, 4], results);
    }

    [Fact]
    public void Map_BufferSizeOnEmptySequence_YieldsNothing() // test_map_buffersize_on_empty_iterable
    {
        var executor = StartExecutor(SeveralWorkers);
        Assert.Empty(executor.Map(ContractCalls.Str, Array.Empty<int>(), bufferSize: 2));
    }

    [Fact]
    public void Map_BufferSizeNotIterated_PullsOnlyBufferSizeItems() // test_map_buffersize_when_buffer_is_full
    {
        var executor = StartExecutor(SeveralWorkers);
        var items = new CountingSequence(4);

        _ = executor.Map(ContractCalls.Str, items, bufferSize: 2);
        executor.Shutdown(wait: true);

        Assert.Equal(2, items.Pulled);
    }

    [Fact]
    public void Map_BufferSize_PullsOneMoreItemPerResultConsumed()
    {
        var executor = StartExecutor(SeveralWorkers);
        var items = new CountingSequence(100);

        using var results = executor.Map(ContractCalls.Str, items, bufferSize: 3).GetEnumerator();
        Assert.Equal(3, items.Pulled);
        for (var consumed = 1; consumed <= 5; consumed++)
        {
            Assert.True(results.MoveNext());
            Assert.Equal(ContractCalls.Str(consumed - 1), results.Current);
            Assert.Equal(3 + consumed, items.Pulled);
        }
    }

    [Fact]
    public void Map_BufferSize_KeepsAtMostThatManyCallsAheadOfTheConsumer()
    {
        // One worker more than the buffer: were Map to submit more than bufferSize calls ahead, a worker would be free to start one.
        var bufferSize = SeveralWorkers - 1;
        var executor = StartExecutor(bufferSize + 1);
        using var probe = new Probe(blocks: static _ => true);

        using var results = executor.Map(ContractCalls.Step, KeysOf(probe), new CountingSequence(100), bufferSize: bufferSize).GetEnumerator();
        for (var consumed = 0; consumed < 3; consumed++)
        {
            AssertAtMostStarted(consumed + bufferSize);
            probe.Open(consumed);
            Assert.True(results.MoveNext());
            Assert.Equal(consumed, results.Current);
        }

        // The calls Map holds for the consumer (at most bufferSize, each blocked at its gate) keep at most bufferSize workers
        // busy, so one is free: a call submitted now runs on it, once every call submitted before it has gone to a worker. When
        // it is done, a Map call submitted beyond the buffer would have started too; one that starts sooner ends the wait.
        void AssertAtMostStarted(int limit)
        {
            var marker = executor.Submit(ContractCalls.FortyTwo);
            var settled = SharedState.PollUntil(() => marker.IsDone || probe.Started.Length > limit, Probe.Bound);

            Assert.True(probe.Started.Length <= limit,
                $"Map started items [{string.Join(", ", probe.Started)}], more than {limit} (the {limit - bufferSize} consumed and bufferSize {bufferSize}).");
            Assert.True(settled, $"The marker call never ran on the free worker; Map started [{string.Join(", ", probe.Started)}].");
            Assert.Equal(42, marker.Result(TimeSpan.Zero));
        }
    }
}
