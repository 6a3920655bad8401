namespace ActorPool.Tests.Contract;

// Initializers: CPython's test_init.py (InitializerMixin and FailingInitializerMixin).
public abstract partial class ExecutorContractTests
{
    [Fact]
    public void Constructor_Initializer_ItsStateIsVisibleToCalls() // test_init InitializerMixin.test_initializer
    {
        ContractCalls.ResetInitializerStatus();
        var executor = StartExecutor(2, ContractCalls.Initialize);

        var futures = Enumerable.Range(0, executor.MaxWorkers).Select(_ => executor.Submit(ContractCalls.InitializerStatus)).ToArray();

        Assert.All(futures, f => Assert.Equal(ContractCalls.Initialized, f.Result(Probe.Bound)));
    }

    [Fact]
    public void Constructor_InitializerFails_PendingAndLaterSubmitsFailWithBrokenExecutor() // test_init FailingInitializerMixin.test_initializer
    {
        var executor = StartExecutor(2, ContractCalls.FailingInitializer);

        try
        {
            var future = executor.Submit(ContractCalls.InitializerStatus);
            AssertBroken(future.Exception(Probe.Bound));
        }
        catch (BrokenExecutorException perhapsAlreadyBroken)
        {
            AssertBroken(perhapsAlreadyBroken);
        }

        AssertSubmitEventuallyThrowsBroken(executor);
    }

    [Fact]
    public void Constructor_InitializerFailsWhileCallsAreQueued_EveryQueuedCallFailsWithBrokenExecutor()
    {
        using var gate = ContractCalls.CloseInitializerGate();
        var executor = StartExecutor(2, ContractCalls.FailingInitializerAfterGate);
        var futures = Enumerable.Range(0, 5).Select(i => executor.Submit(ContractCalls.Negate, i)).ToArray();

        gate.Open();

        Assert.All(futures, f => AssertBroken(f.Exception(Probe.Bound)));
        AssertSubmitEventuallyThrowsBroken(executor);
    }

    [Fact]
    public async Task ShutdownAsync_BrokenPool_StillCompletes()
    {
        var executor = StartExecutor(2, ContractCalls.FailingInitializer);
        AssertSubmitEventuallyThrowsBroken(executor);

        await executor.ShutdownAsync().WaitAsync(Probe.Bound);

        // As in CPython's submit(), the broken state is reported before the shutdown state.
        AssertBroken(Assert.ThrowsAny<BrokenExecutorException>(() => executor.Submit(ContractCalls.FortyTwo)));
    }

    private void AssertBroken(Exception? error)
    {
        Assert.NotNull(error);
        Assert.IsAssignableFrom<BrokenExecutorException>(error);
        Assert.IsType(BrokenExceptionType, error);
    }

    /// <summary>
    /// The pool breaks asynchronously (CPython polls <c>executor._broken</c>); until it is marked broken a submitted
    /// call must itself fail with the broken-pool exception, and from then on Submit throws it.
    /// </summary>
    private void AssertSubmitEventuallyThrowsBroken(Executor executor)
    {
        var deadline = DateTime.UtcNow + Probe.Bound;
        while (true)
        {
            Future<int> future;
            try
            {
                future = executor.Submit(ContractCalls.FortyTwo);
            }
            catch (BrokenExecutorException error)
            {
                AssertBroken(error);
                return;
            }

            AssertBroken(future.Exception(Probe.Bound));
            Assert.True(DateTime.UtcNow < deadline, "Submit never started to throw for the broken pool");
            Thread.Sleep(10);
        }
    }
}
