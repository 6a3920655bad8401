namespace ActorPool.Tests.Contract;

/// <summary>
/// The contract every <see cref="Executor"/> keeps, written once and run by a sealed leaf per executor type:
/// CPython's <c>ExecutorTest</c> (executor.py), <c>ExecutorShutdownTest</c> (test_shutdown.py) and test_init.py.
/// </summary>
/// <remarks>
/// Every function submitted here is a static method of <see cref="ContractCalls"/> or a lambda that captures
/// nothing, so a process-pool leaf can run the same suite. Per-test state lives in a <see cref="Probe"/>
/// reached by key, made of files so that a call in a worker process sees it too. Split by facet: this file
/// (Submit, arguments, exceptions), <c>.Map.cs</c>,
/// <c>.Shutdown.cs</c> and <c>.Initializer.cs</c>.
/// </remarks>
public abstract partial class ExecutorContractTests : IDisposable
{
    private const string AfterShutdownMessage = "cannot schedule new futures after shutdown";

    private readonly List<Executor> executors = [];

    /// <summary>Creates the executor under test, with <paramref name="policy"/>; the leaf also owns whatever the executor needs (an actor system).</summary>
    protected abstract Executor CreateExecutor(int? maxWorkers = null, Action? initializer = null, ExecutorPolicy? policy = null);


    /// <summary>The <see cref="BrokenExecutorException"/> subclass this executor fails with when its initializer fails.</summary>
    protected abstract Type BrokenExceptionType { get; }

    /// <summary>
    /// The pool size of the tests that need several workers but no particular number (CPython's mixins use 5).
    /// A leaf whose workers are expensive to start may use fewer; no test asserts more than 2 calls at once.
    /// </summary>
    protected virtual int SeveralWorkers => 5;

    /// <summary>
    /// Calls a worker may have been granted ahead of the one it runs: they count as running (<see cref="Future.Cancel()"/>
    /// returns false) before their function starts, and they run. 0 where a worker claims each call as it starts it (a
    /// thread, a worker process); 1 for a cluster node worker, whose next call is granted as the one before it starts, if
    /// it had reached the node by then (pipelined claims, docs/cluster.md). Only tests that send a worker several calls at
    /// once, then cancel all but the first, see the difference.
    /// </summary>
    protected virtual int GrantedAheadPerWorker => 0;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Shuts down every executor the test started (bounded, so a hang fails the test instead of the run).</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        var stuck = 0;
        foreach (var executor in executors)
        {
            executor.Shutdown(wait: false, cancelFutures: true);
            if (!executor.ShutdownAsync().Wait(Probe.Bound))
            {
                stuck++;
            }
        }

        if (stuck > 0)
        {
            throw new TimeoutException($"{stuck} executor(s) did not shut down within {Probe.Bound}.");
        }
    }

    /// <summary>Creates an executor through the leaf and shuts it down after the test.</summary>
    protected Executor StartExecutor(int? maxWorkers = null, Action? initializer = null, ExecutorPolicy? policy = null)
    {
        var executor = CreateExecutor(maxWorkers, initializer, policy);
        executors.Add(executor);
        return executor;
    }

    /// <summary>Creates an executor with <paramref name="policy"/> through the leaf and shuts it down after the test.</summary>
    protected Executor StartExecutor(ExecutorPolicy policy, int? maxWorkers = null)
    {
        var executor = CreateExecutor(maxWorkers, policy: policy);
        executors.Add(executor);
        return executor;
    }

    private static IEnumerable<string> KeysOf(Probe probe) => Enumerable.Repeat(probe.Key, int.MaxValue);

    [Fact]
    public void Submit_FunctionWithTwoArguments_ReturnsItsResult() // test_submit
    {
        var executor = StartExecutor(SeveralWorkers);
        Assert.Equal(256, executor.Submit(ContractCalls.Pow, 2, 8).Result(Probe.Bound));
        Assert.Equal(64, executor.Submit(ContractCalls.Pow, 8, 2).Result(Probe.Bound));
    }

    [Fact]
    public void Submit_EveryFunctionOverload_PassesArgumentsInOrder()
    {
        var executor = StartExecutor(SeveralWorkers);
        Assert.Equal(42, executor.Submit(ContractCalls.FortyTwo).Result(Probe.Bound));
        Assert.Equal(-5, executor.Submit(ContractCalls.Negate, 5).Result(Probe.Bound));
        Assert.Equal(123, executor.Submit(ContractCalls.Digits, 1, 2, 3).Result(Probe.Bound));
        Assert.Equal(7, executor.Submit(static () => 7).Result(Probe.Bound));
        Assert.Equal(12, executor.Submit(static (int x) => x * 3, 4).Result(Probe.Bound));
    }

    [Fact]
    public void Submit_Action_RunsItAndResultIsNull()
    {
        var executor = StartExecutor(SeveralWorkers);
        // Tagged with the leaf's type (from this assembly, which the nodes allow), so another leaf running this test meanwhile stamps elsewhere.
        var stamp = typeof(ContractCalls).GetMethod(nameof(ContractCalls.Stamp))!.MakeGenericMethod(GetType()).CreateDelegate<Action>();
        var ticket = ContractCalls.NewStampTicket(GetType());

        Assert.Null(executor.Submit(stamp).Result(Probe.Bound));

        Assert.Equal([ticket], ContractCalls.Stamps(GetType())); // this action ran, once
    }

    [Fact]
    public void Submit_ActionWithArgument_RunsItWithTheArgumentAndResultIsNull()
    {
        var executor = StartExecutor(SeveralWorkers);
        using var probe = new Probe();

        Assert.Null(executor.Submit(ContractCalls.Touch, probe.Key).Result(Probe.Bound));

        Assert.Equal([0], probe.Started);
    }

    [Fact]
    public void Submit_NullFunction_ThrowsArgumentNullException()
    {
        var executor = StartExecutor(SeveralWorkers);
        Assert.Throws<ArgumentNullException>(() => executor.Submit((Func<int>)null!));
        Assert.Throws<ArgumentNullException>(() => executor.Submit((Func<int, int>)null!, 1));
        Assert.Throws<ArgumentNullException>(() => executor.Submit((Func<int, int, int>)null!, 1, 2));
        Assert.Throws<ArgumentNullException>(() => executor.Submit((Func<int, int, int, int>)null!, 1, 2, 3));
        Assert.Throws<ArgumentNullException>(() => executor.Submit((Action)null!));
        Assert.Throws<ArgumentNullException>(() => executor.Submit((Action<int>)null!, 1));
        Assert.Throws<ArgumentNullException>(() => executor.Map((Func<int, int>)null!, [1]));
        Assert.Throws<ArgumentNullException>(() => executor.Map((Func<int, int, int>)null!, [1], [2]));
        Assert.Throws<ArgumentNullException>(() => executor.Map(ContractCalls.Abs, (IEnumerable<int>)null!));
        Assert.Throws<ArgumentNullException>(() => executor.Map(ContractCalls.Add, (IEnumerable<int>)null!, [2]));
        Assert.Throws<ArgumentNullException>(() => executor.Map(ContractCalls.Add, [1], (IEnumerable<int>)null!));
    }

    [Fact]
    public void Submit_AfterShutdown_ThrowsInvalidOperationException() // test_run_after_shutdown
    {
        var executor = StartExecutor(SeveralWorkers);
        executor.Shutdown();

        Action[] submits =
        [
            () => executor.Submit(ContractCalls.FortyTwo),
            () => executor.Submit(ContractCalls.Negate, 1),
            () => executor.Submit(ContractCalls.Pow, 2, 5),
            () => executor.Submit(ContractCalls.Digits, 1, 2, 3),
            () => executor.Submit(ContractCalls.Nothing),
            () => executor.Submit(ContractCalls.Touch, "unused"),
            () => executor.Map(ContractCalls.Abs, [1, 2]),
            () => executor.Map(ContractCalls.Add, [1, 2], [3, 4]),
            () => executor.Map(ContractCalls.Abs, [1, 2], bufferSize: 1),
        ];
        foreach (var submit in submits)
        {
            var error = Assert.Throws<InvalidOperationException>(submit);
            Assert.Equal(AfterShutdownMessage, error.Message);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_MaxWorkersNotPositive_ThrowsArgumentOutOfRangeException(int maxWorkers) // test_max_workers_negative
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CreateExecutor(maxWorkers));
        Assert.Contains("max_workers must be greater than 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxWorkers_Given_IsReported()
    {
        Assert.Equal(3, StartExecutor(3).MaxWorkers);
    }

    [Fact]
    public async Task Submit_CallThrows_FutureGivesBackTheOriginalException()
    {
        var executor = StartExecutor(SeveralWorkers);
        var future = executor.Submit(ContractCalls.Fail, "boom");

        var thrown = Assert.Throws<ProbeException>(() => future.Result(Probe.Bound));
        Assert.Equal("boom", thrown.Message);
        Assert.Contains(nameof(ContractCalls.Fail), thrown.StackTrace, StringComparison.Ordinal);

        var returned = Assert.IsType<ProbeException>(future.Exception(Probe.Bound));
        Assert.Equal("boom", returned.Message);

        var awaited = await Assert.ThrowsAsync<ProbeException>(async () => await future);
        Assert.Equal("boom", awaited.Message);

        var untyped = Assert.Throws<ProbeException>(() => ((Future)future).Result(Probe.Bound));
        Assert.Equal("boom", untyped.Message);
    }

    [Fact]
    public void Submit_CallThrowsBclException_SameTypeComesBack()
    {
        var executor = StartExecutor(SeveralWorkers);
        var future = executor.Submit(ContractCalls.DivMod, 1, 0);

        Assert.Throws<DivideByZeroException>(() => future.Result(Probe.Bound));
        Assert.IsType<DivideByZeroException>(future.Exception(Probe.Bound));
    }

    [Fact]
    public void Submit_CallSucceeds_ExceptionIsNull()
    {
        var executor = StartExecutor(SeveralWorkers);
        var future = executor.Submit(ContractCalls.Negate, 3);

        Assert.Null(future.Exception(Probe.Bound));
        Assert.True(future.IsDone);
        Assert.False(future.IsCanceled);
    }
}
