using ActorPool.Tests.Support;
using Polly;
using Polly.Retry;

namespace ActorPool.Tests.Contract;

// Retries (ExecutorPolicy.Retry, CallOptions.Retry): Polly's RetryStrategyOptions, each attempt a fresh hand-over to a
// worker, the future pending until the last attempt settles. Worker deaths and poison calls need a worker that can die:
// see ProcessPoolExecutorTests.Retries.
public abstract partial class ExecutorContractTests
{
    private static RetryStrategyOptions Immediate(int retries, Func<OnRetryArguments<object>, ValueTask>? onRetry = null) => new()
    {
        MaxRetryAttempts = retries,
        Delay = TimeSpan.Zero,
        OnRetry = onRetry,
    };

    /// <summary>Retries that wait an hour between attempts, and say when the first wait begins.</summary>
    private static RetryStrategyOptions Slow(TaskCompletionSource waiting) => new()
    {
        MaxRetryAttempts = 3,
        Delay = TimeSpan.FromHours(1),
        OnRetry = _ =>
        {
            waiting.TrySetResult();
            return default;
        },
    };

    [Fact]
    public void Retry_CallFailingTwice_EndsSuccessfulOnItsThirdAttempt()
    {
        var executor = StartExecutor(new ExecutorPolicy { Retry = Immediate(3) }, SeveralWorkers);
        var attempts = SharedState.NewDirectory("attempts");

        var future = executor.Submit(RetryCalls.FailUntil, attempts, 2);

        Assert.Equal(3, future.Result(Probe.Bound));
        Assert.Equal(3, SharedState.Count(attempts));
        Assert.True(future.IsDone);
        Assert.Null(future.Exception());
    }

    [Fact]
    public void Retry_UnderAQueueLimit_TrySubmitsRoomGoesToTheFirstAttemptAndLaterAttemptsDoNotWaitForRoom()
    {
        var executor = StartExecutor(1, policy: new ExecutorPolicy { Retry = Immediate(3), MaxQueuedCalls = 1 });
        var attempts = SharedState.NewDirectory("attempts");

        // The only room is taken by TrySubmit and held by the first attempt (taken twice, it would wait forever here).
        Assert.True(executor.TrySubmit(RetryCalls.FailUntil, attempts, 2, out var future));

        Assert.Equal(3, future!.Result(Probe.Bound));
        Assert.Equal(3, SharedState.Count(attempts));
        // Every attempt gave its room back: the queue takes a call again.
        Assert.True(executor.TrySubmit(ContractCalls.Negate, 5, out var next));
        Assert.Equal(-5, next!.Result(Probe.Bound));
    }

    [Fact]
    public void Retry_PerCallPolicy_OnAnExecutorWithout_FailsWithTheLastAttemptsException_CarryingTheAttemptCount()
    {
        var executor = StartExecutor(SeveralWorkers);
        var attempts = SharedState.NewDirectory("attempts");

        var future = executor.Submit(RetryCalls.FailUntil, attempts, int.MaxValue, new CallOptions { Retry = Immediate(2) });

        var error = Assert.IsType<ProbeException>(future.Exception(Probe.Bound));
        Assert.Equal("attempt 3 failed", error.Message);
        Assert.Equal(3, CallRetries.AttemptsOf(error));
        Assert.Equal(3, error.Data[CallRetries.AttemptsKey]);
        Assert.Equal(3, SharedState.Count(attempts));
    }

    [Fact]
    public void Retry_PredicateSaysNo_FailsOnTheFirstAttempt()
    {
        var executor = StartExecutor(new ExecutorPolicy
        {
            Retry = new RetryStrategyOptions { Delay = TimeSpan.Zero, ShouldHandle = new PredicateBuilder().Handle<TimeoutException>() },
        });
        var attempts = SharedState.NewDirectory("attempts");

        var error = executor.Submit(RetryCalls.FailUntil, attempts, 1).Exception(Probe.Bound);

        Assert.IsType<ProbeException>(error);
        Assert.Equal(1, CallRetries.AttemptsOf(error!));
        Assert.Equal(1, SharedState.Count(attempts));
        Assert.False(CallRetries.IsWorkerDeath(error!)); // what a call throws itself is never a worker's death
    }

    [Fact]
    public void Retry_PredicateThatThrows_FailsThatCallWithThePredicatesException_AndThePoolGoesOn()
    {
        var executor = StartExecutor(1);
        var attempts = SharedState.NewDirectory("attempts");
        var broken = new RetryStrategyOptions { Delay = TimeSpan.Zero, ShouldHandle = _ => throw new ArithmeticException("the predicate is broken") };

        var error = executor.Submit(RetryCalls.FailUntil, attempts, 1, new CallOptions { Retry = broken }).Exception(Probe.Bound);

        Assert.Equal("the predicate is broken", Assert.IsType<ArithmeticException>(error).Message);
        Assert.Equal(1, CallRetries.AttemptsOf(error!));
        Assert.Equal(-5, executor.Submit(ContractCalls.Negate, 5).Result(Probe.Bound));
        Assert.Equal(2, executor.Submit(RetryCalls.FailUntil, attempts, 1, new CallOptions { Retry = Immediate(1) }).Result(Probe.Bound));
    }

    [Fact]
    public async Task Retry_CanceledWhileWaitingForItsRetry_StopsRetrying()
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = StartExecutor(new ExecutorPolicy { Retry = Slow(waiting) });
        var attempts = SharedState.NewDirectory("attempts");

        var future = executor.Submit(RetryCalls.FailUntil, attempts, 1);
        await waiting.Task.WaitAsync(Probe.Bound);
        Assert.False(future.IsDone); // pending until its last attempt settles

        Assert.True(future.Cancel());

        Assert.Throws<OperationCanceledException>(() => future.Result(Probe.Bound));
        Assert.True(future.IsCanceled);
        Assert.Single(Future.Wait([future], Probe.Bound).Done); // its waiters are told
        executor.Shutdown(wait: true); // nothing waits for the canceled retry
        Assert.Equal(1, SharedState.Count(attempts));
    }

    [Fact]
    public async Task Retry_TokenCanceledWhileWaitingForItsRetry_StopsRetrying()
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = StartExecutor(SeveralWorkers);
        var attempts = SharedState.NewDirectory("attempts");
        using var cancel = new CancellationTokenSource();

        var future = executor.Submit(RetryCalls.FailUntil, attempts, 1, new CallOptions { Retry = Slow(waiting), CancellationToken = cancel.Token });
        await waiting.Task.WaitAsync(Probe.Bound);
        cancel.Cancel();

        Assert.Throws<OperationCanceledException>(() => future.Result(Probe.Bound));
        Assert.True(future.IsCanceled);
        Assert.Equal(1, SharedState.Count(attempts));
    }

    [Fact]
    public async Task Retry_ShutdownWithCancelFutures_CancelsACallWaitingForItsRetry()
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = StartExecutor(new ExecutorPolicy { Retry = Slow(waiting) });
        var attempts = SharedState.NewDirectory("attempts");
        var future = executor.Submit(RetryCalls.FailUntil, attempts, 1);
        await waiting.Task.WaitAsync(Probe.Bound);

        await executor.ShutdownAsync(cancelFutures: true).WaitAsync(Probe.Bound);

        Assert.True(future.IsCanceled);
        Assert.Equal(1, SharedState.Count(attempts));
    }

    [Fact]
    public async Task Retry_ShutdownWait_WaitsForACallBetweenItsAttempts()
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = StartExecutor(new ExecutorPolicy
        {
            Retry = new RetryStrategyOptions
            {
                MaxRetryAttempts = 3,
                Delay = TimeSpan.FromMilliseconds(200),
                OnRetry = _ =>
                {
                    waiting.TrySetResult();
                    return default;
                },
            },
        });
        var attempts = SharedState.NewDirectory("attempts");
        var future = executor.Submit(RetryCalls.FailUntil, attempts, 2);
        await waiting.Task.WaitAsync(Probe.Bound);

        await executor.ShutdownAsync().WaitAsync(Probe.Bound);

        Assert.True(future.IsDone);
        Assert.Equal(3, future.Result(TimeSpan.Zero));
        Assert.Throws<InvalidOperationException>(() => executor.Submit(ContractCalls.Negate, 1)); // new calls are refused all the same
    }

    [Fact]
    public void Retry_MapWithAnExecutorPolicy_RetriesEachFailingItem()
    {
        var executor = StartExecutor(new ExecutorPolicy { Retry = Immediate(1) }, SeveralWorkers);
        var attempts = SharedState.NewDirectory("attempts");

        var results = executor.Map(RetryCalls.FailFirstAttempt, Enumerable.Repeat(attempts, 4), [0, 1, 2, 3]).ToArray();

        Assert.Equal([0, 1, 2, 3], results);
    }

    [Fact]
    public void Retry_AttemptsAreCountedInTelemetry()
    {
        var executor = StartExecutor(new ExecutorPolicy { Retry = Immediate(3) });
        using var meter = new MeterCapture(executor.Meter.Name);
        var attempts = SharedState.NewDirectory("attempts");

        Assert.Equal(3, executor.Submit(RetryCalls.FailUntil, attempts, 2).Result(Probe.Bound));

        Assert.Equal(2, meter.Sum("actorpool.calls.retried", ("reason", "failure")));
        Assert.Contains("actorpool.executor.name", meter.TagKeys("actorpool.calls.retried"));
        Assert.Equal(3, meter.Sum("actorpool.calls.submitted")); // each attempt is a call handed to a worker
        Assert.Equal(2, meter.Sum("actorpool.calls.completed", ("outcome", "failure")));
    }

    [Fact]
    public void Retry_NegativeAttemptCount_ThrowsArgumentOutOfRange_AtConstructionAndAtSubmit()
    {
        var construction = Assert.Throws<ArgumentOutOfRangeException>(
            () => StartExecutor(new ExecutorPolicy { Retry = new RetryStrategyOptions { MaxRetryAttempts = -1 } }));
        Assert.Contains("MaxRetryAttempts", construction.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => StartExecutor(new ExecutorPolicy { MaxWorkerDeathsPerCall = 0 }));

        var executor = StartExecutor(1);
        var submit = Assert.Throws<ArgumentOutOfRangeException>(
            () => executor.Submit(ContractCalls.Negate, 1, new CallOptions { Retry = new RetryStrategyOptions { MaxRetryAttempts = -2 } }));
        Assert.Contains("MaxRetryAttempts", submit.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(
            () => executor.Submit(ContractCalls.Negate, 1, new CallOptions { Retry = new RetryStrategyOptions { Delay = TimeSpan.FromDays(-1) } }));
        Assert.Equal(-1, executor.Submit(ContractCalls.Negate, 1).Result(Probe.Bound));
    }

    [Fact]
    public void Retry_ZeroAttempts_RunsTheCallOnce()
    {
        var executor = StartExecutor(new ExecutorPolicy { Retry = Immediate(0) });
        var attempts = SharedState.NewDirectory("attempts");

        var error = executor.Submit(RetryCalls.FailUntil, attempts, 1).Exception(Probe.Bound);

        Assert.IsType<ProbeException>(error);
        Assert.Equal(1, CallRetries.AttemptsOf(error!));
    }
}
