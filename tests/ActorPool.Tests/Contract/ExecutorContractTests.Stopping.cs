namespace ActorPool.Tests.Contract;

// Stopping calls (API.md "Beyond Python"): tokens, timeouts, the grace period and the forced stop, and async functions.
// Timings are generous upper bounds only: a forced stop must settle within grace + 1 s, and these allow far more.
public abstract partial class ExecutorContractTests
{
    private static readonly TimeSpan ShortGrace = TimeSpan.FromMilliseconds(500);

    [Fact]
    public void Submit_TokenCanceledWhileQueued_CancelsTheFutureAtOnceAndTheCallNeverRuns()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static item => item == 0);
        var blocker = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);
        using var source = new CancellationTokenSource();

        var queued = executor.Submit(StopCalls.WaitForToken, probe.Key, 1, new CallOptions { CancellationToken = source.Token });
        source.Cancel();

        Assert.True(queued.IsCanceled);
        Assert.True(queued.IsDone);
        probe.Open();
        Assert.Equal(0, blocker.Result(Probe.Bound));
        Assert.Equal(7, executor.Submit(ContractCalls.Negate, -7).Result(Probe.Bound));
        Assert.DoesNotContain(1, probe.Started);
    }

    [Fact]
    public void Submit_TokenAlreadyCanceled_GivesACanceledFutureAndSendsNothing()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe();

        var future = executor.Submit(StopCalls.WaitForToken, probe.Key, 1, new CallOptions { CancellationToken = new CancellationToken(canceled: true) });

        Assert.True(future.IsCanceled);
        Assert.Single(Future.Wait([future], TimeSpan.Zero).Done); // notified: waiters count it done
        Assert.Equal(7, executor.Submit(ContractCalls.Negate, -7).Result(Probe.Bound));
        Assert.Empty(probe.Started);
    }

    [Fact]
    public void Submit_TokenCanceledWhileRunning_ACooperativeCallEndsCanceled()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe();
        using var source = new CancellationTokenSource();
        var future = executor.Submit(StopCalls.WaitForToken, probe.Key, 1, new CallOptions { CancellationToken = source.Token });
        probe.WaitForStarts(1);

        Assert.False(future.Cancel()); // Python's cancel() still refuses a running call
        source.Cancel();

        Assert.Throws<OperationCanceledException>(() => future.Result(Probe.Bound));
        Assert.True(future.IsCanceled);
        Assert.Single(Future.Wait([future], TimeSpan.Zero).Done);
        Assert.Equal(7, executor.Submit(ContractCalls.Negate, -7).Result(Probe.Bound));
    }

    [Fact]
    public void Submit_TokenCanceledWhileRunning_ACallThatReturnsAnywayKeepsItsResult()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe();
        using var source = new CancellationTokenSource();
        var future = executor.Submit(StopCalls.ReturnsWhenCanceled, probe.Key, 3, new CallOptions { CancellationToken = source.Token });
        probe.WaitForStarts(1);

        source.Cancel();

        Assert.Equal(-3, future.Result(Probe.Bound));
        Assert.False(future.IsCanceled);
    }

    [Fact]
    public void Submit_CallContextToken_IsTheCallsOwnAndNoneWithoutOptions()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe();
        using var source = new CancellationTokenSource();
        var future = executor.Submit(StopCalls.WaitForContextToken, probe.Key, 1, new CallOptions { CancellationToken = source.Token });
        probe.WaitForStarts(1);

        source.Cancel();

        Assert.Throws<OperationCanceledException>(() => future.Result(Probe.Bound));
        Assert.False(executor.Submit(StopCalls.ContextTokenCanBeCanceled).Result(Probe.Bound));
    }

    [Fact]
    public void Submit_Timeout_ACooperativeCallFailsWithATimeoutExceptionNamingTheLimit()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe();

        var future = executor.Submit(StopCalls.WaitForToken, probe.Key, 1, new CallOptions { Timeout = TimeSpan.FromMilliseconds(300) });

        var error = Assert.IsType<TimeoutException>(future.Exception(Probe.Bound));
        Assert.Contains("00:00:00.3", error.Message, StringComparison.Ordinal);
        Assert.False(future.IsCanceled);
        Assert.Equal(7, executor.Submit(ContractCalls.Negate, -7).Result(Probe.Bound));
    }

    [Fact]
    public void Submit_Timeout_CountsFromTheStartNotFromSubmit()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe(blocks: static item => item == 0);
        var blocker = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);

        // Queued far longer than its timeout, then quick: it must not time out.
        var quick = executor.Submit(StopCalls.SleepOrStop, 1, new CallOptions { Timeout = TimeSpan.FromSeconds(2) });
        Thread.Sleep(TimeSpan.FromSeconds(3));
        probe.Open();

        Assert.Equal(0, blocker.Result(Probe.Bound));
        Assert.Equal(1, quick.Result(Probe.Bound));
    }

    [Fact]
    public void Submit_CallIgnoringItsTimeout_IsStoppedByForceAndThePoolKeepsItsStrength()
    {
        var executor = StartExecutor(SeveralWorkers);
        using var probe = new Probe(blocks: static item => item >= 10);
        var hung = executor.Submit(StopCalls.IgnoresToken, probe.Key, 1, 120_000,
            new CallOptions { Timeout = TimeSpan.FromMilliseconds(300), GracePeriod = ShortGrace });

        Assert.IsType<TimeoutException>(hung.Exception(Probe.Bound));

        // As many calls as the pool has workers all start at once: none of them is held up by the stopped call.
        var full = Enumerable.Range(10, SeveralWorkers).Select(i => executor.Submit(ContractCalls.Step, probe.Key, i)).ToList();
        probe.WaitForStarts(1 + SeveralWorkers);
        probe.Open();
        Assert.All(full, future => Assert.InRange(future.Result(Probe.Bound), 10, 10 + SeveralWorkers));
        Assert.DoesNotContain(1, probe.Finished);
    }

    [Fact]
    public void Submit_CallIgnoringItsToken_IsStoppedByForceAndEndsCanceled()
    {
        var executor = StartExecutor(2);
        using var probe = new Probe();
        using var source = new CancellationTokenSource();
        var hung = executor.Submit(StopCalls.IgnoresToken, probe.Key, 1, 120_000, new CallOptions { CancellationToken = source.Token, GracePeriod = ShortGrace });
        var other = executor.Submit(StopCalls.SleepOrStop, 1500);
        probe.WaitForStarts(1);

        source.Cancel();

        Assert.Throws<OperationCanceledException>(() => hung.Result(Probe.Bound));
        Assert.True(hung.IsCanceled);
        Assert.Equal(1500, other.Result(Probe.Bound)); // the call beside it is not touched
        Assert.Equal(7, executor.Submit(ContractCalls.Negate, -7).Result(Probe.Bound));
    }

    [Fact]
    public void Submit_AsyncFunctionThatNeverCompletes_IsStoppedLikeAHungCall()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe();

        var future = executor.Submit(StopCalls.NeverCompletes, probe.Key, new CallOptions { Timeout = TimeSpan.FromMilliseconds(200), GracePeriod = ShortGrace });

        Assert.IsType<TimeoutException>(future.Exception(Probe.Bound));
        Assert.Equal(7, executor.Submit(ContractCalls.Negate, -7).Result(Probe.Bound));
    }

    [Fact]
    public void Submit_AsyncFunctions_AreAwaitedAndTheFutureCarriesTheirResult()
    {
        var executor = StartExecutor(2);
        using var probe = new Probe();

        Future<int> doubled = executor.Submit(StopCalls.DoubleAsync, 21);
        Future<int> added = executor.Submit(StopCalls.AddAsync, 2, 3);
        Future<object?> touched = executor.Submit(StopCalls.TouchAsync, probe.Key);

        Assert.Equal(42, doubled.Result(Probe.Bound));
        Assert.Equal(5, added.Result(Probe.Bound));
        Assert.Null(touched.Result(Probe.Bound));
        Assert.Single(probe.Started);
    }

    [Fact]
    public void Submit_AsyncFunctionWithToken_EndsCanceledWhenItsTokenIs()
    {
        var executor = StartExecutor(1);
        using var probe = new Probe();
        using var source = new CancellationTokenSource();
        var future = executor.Submit(StopCalls.WaitForTokenAsync, probe.Key, 1, new CallOptions { CancellationToken = source.Token });
        probe.WaitForStarts(1);

        source.Cancel();

        Assert.Throws<OperationCanceledException>(() => future.Result(Probe.Bound));
        Assert.True(future.IsCanceled);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(-1, null)]
    [InlineData(null, 0)]
    [InlineData(null, -5)]
    public void Submit_LimitNotPositive_ThrowsArgumentOutOfRange(int? timeoutMs, int? graceMs)
    {
        var executor = StartExecutor(1);
        var options = new CallOptions
        {
            Timeout = timeoutMs is { } t ? TimeSpan.FromMilliseconds(t) : null,
            GracePeriod = graceMs is { } g ? TimeSpan.FromMilliseconds(g) : null,
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => executor.Submit(ContractCalls.Negate, 1, options));
        Assert.Contains(timeoutMs is not null ? "Timeout" : "GracePeriod", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Submit_ManyCallsWithRandomTimeoutsAndCancels_SettleEveryFutureAndKeepThePoolWhole()
    {
        var executor = StartExecutor(SeveralWorkers);
        var random = new Random(14);
        var sources = new List<CancellationTokenSource>();
        var futures = new List<Future<int>>();
        for (var i = 0; i < 1000; i++)
        {
            var source = new CancellationTokenSource();
            sources.Add(source);
            var options = new CallOptions
            {
                CancellationToken = source.Token,
                Timeout = random.Next(3) == 0 ? TimeSpan.FromMilliseconds(random.Next(1, 5)) : null,
            };
            futures.Add(executor.Submit(StopCalls.SleepOrStop, random.Next(0, 3), options));
            if (random.Next(4) == 0)
            {
                sources[random.Next(sources.Count)].Cancel();
            }
        }

        var (done, notDone) = Future.Wait(futures, Probe.Bound);
        Assert.Empty(notDone);
        Assert.Equal(1000, done.Count);
        Assert.All(futures, future => Assert.True(
            future.IsCanceled || future.Exception(TimeSpan.Zero) is null or TimeoutException, $"unexpected outcome {future}"));

        using var probe = new Probe(blocks: static _ => true);
        var full = Enumerable.Range(0, SeveralWorkers).Select(i => executor.Submit(ContractCalls.Step, probe.Key, i)).ToList();
        probe.WaitForStarts(SeveralWorkers);
        probe.Open();
        Assert.All(full, future => future.Result(Probe.Bound));
        sources.ForEach(source => source.Dispose());
    }
}
