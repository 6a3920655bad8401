using ActorPool.Tests.Contract;
using Polly;
using Polly.Retry;

namespace ActorPool.Tests.ProcessPool;

// Retries on a worker's death, and poison calls: calls that end their worker process with Environment.Exit, for real.
public sealed partial class ProcessPoolExecutorTests
{
    private const int PoisonExitCode = 17;

    private static RetryStrategyOptions OnWorkerDeath(int retries) => new()
    {
        MaxRetryAttempts = retries,
        Delay = TimeSpan.Zero,
        ShouldHandle = new PredicateBuilder().HandleWorkerDeath(),
    };

    private ProcessPoolExecutor Start(ExecutorPolicy policy, int maxWorkers)
    {
        _ = SharedState.Root;
        var executor = new ProcessPoolExecutor(maxWorkers, policy: policy);
        executors.Add(executor);
        return executor;
    }

    /// <summary>Ends its worker process with <paramref name="exitCode"/> on its first <paramref name="deaths"/> attempts; then returns the attempt's number.</summary>
    public static int ExitUntil(string attempts, int deaths, int exitCode)
    {
        SharedState.Increment(attempts);
        var attempt = SharedState.Count(attempts);
        if (attempt <= deaths)
        {
            Environment.Exit(exitCode);
        }

        return attempt;
    }

    [Fact]
    public void Retry_WithoutARetryPolicy_AWorkersDeathFailsTheCallAtOnce_AsAWorkerDeath()
    {
        var executor = Start(1);

        var error = Assert.IsType<BrokenProcessPoolException>(executor.Submit(ProcessCalls.Exit, PoisonExitCode).Exception(Bound));

        Assert.Equal(PoisonExitCode, error.ExitCode);
        Assert.True(CallRetries.IsWorkerDeath(error));
        Assert.Null(CallRetries.AttemptsOf(error));
        Assert.Equal(-3, executor.Submit(ContractCalls.Negate, 3).Result(Bound));
    }

    [Fact]
    public void Retry_CallWhoseWorkerDied_IsRetriedOnAFreshWorker_WhenItsPolicyHandlesWorkerDeath()
    {
        var executor = Start(new ExecutorPolicy { Retry = OnWorkerDeath(3) }, 1);
        var attempts = SharedState.NewDirectory("attempts");

        Assert.Equal(2, executor.Submit(ExitUntil, attempts, 1, PoisonExitCode).Result(Bound));
    }

    [Fact]
    public void Retry_CallThatKillsEveryWorker_FailsAsPoisonAfterThreeDeaths_While100OtherCallsFinish()
    {
        var executor = Start(new ExecutorPolicy { Retry = OnWorkerDeath(10) }, 2);
        var attempts = SharedState.NewDirectory("attempts");

        var poison = executor.Submit(ExitUntil, attempts, int.MaxValue, PoisonExitCode);
        var others = Enumerable.Range(0, 100).Select(i => executor.Submit(ContractCalls.Negate, i)).ToArray();

        var error = Assert.IsType<PoisonCallException>(poison.Exception(Bound));
        output.WriteLine(error.Message);
        Assert.Equal(3, error.WorkerDeaths);
        Assert.Equal([PoisonExitCode, PoisonExitCode, PoisonExitCode], error.ExitCodes);
        Assert.Contains($"exit codes {PoisonExitCode}, {PoisonExitCode}, {PoisonExitCode}", error.Message, StringComparison.Ordinal);
        Assert.Equal(PoisonExitCode, Assert.IsType<BrokenProcessPoolException>(error.InnerException).ExitCode);
        Assert.Equal(3, CallRetries.AttemptsOf(error));
        Assert.Equal(3, SharedState.Count(attempts));
        Assert.IsAssignableFrom<BrokenExecutorException>(error);
        Assert.False(CallRetries.IsWorkerDeath(error)); // a poison call is never retried again
        Assert.Equal(Enumerable.Range(0, 100).Select(i => -i), others.Select(future => future.Result(Bound)));
        Assert.Equal(-7, executor.Submit(ContractCalls.Negate, 7).Result(Bound)); // the pool goes on
    }

    [Fact]
    public void Retry_PoisonLimitCountsWorkerDeathsWhateverThePolicySays()
    {
        var executor = Start(new ExecutorPolicy { Retry = OnWorkerDeath(10), MaxWorkerDeathsPerCall = 1 }, 1);
        var attempts = SharedState.NewDirectory("attempts");

        var error = Assert.IsType<PoisonCallException>(executor.Submit(ExitUntil, attempts, int.MaxValue, PoisonExitCode).Exception(Bound));

        Assert.Equal([PoisonExitCode], error.ExitCodes);
        Assert.Equal(1, SharedState.Count(attempts));
    }
}
