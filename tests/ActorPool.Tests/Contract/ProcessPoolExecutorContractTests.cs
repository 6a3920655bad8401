namespace ActorPool.Tests.Contract;

/// <summary>
/// The executor contract run against <see cref="ProcessPoolExecutor"/>: real worker processes, each pool in the
/// remoting actor system it makes for itself. The suite's probes and counters are files (see <see cref="Probe"/>),
/// so the calls see the same state in a worker process as on a thread of the test process.
/// </summary>
[Trait("Category", "Slow")] // real worker processes
public sealed class ProcessPoolExecutorContractTests : ExecutorContractTests
{
    protected override string ExpectedKind => "process";

    protected override Type BrokenExceptionType => typeof(BrokenProcessPoolException);

    // A worker process costs about a second of CPU to start on a 2-core machine; 5 per test tripled the suite's time.
    protected override int SeveralWorkers => 2;

    protected override Executor CreateExecutor(int? maxWorkers = null, Action? initializer = null)
    {
        _ = SharedState.Root; // the worker processes inherit where the shared state lives
        return new ProcessPoolExecutor(maxWorkers, initializer);
    }

    protected override Executor CreateExecutor(ExecutorPolicy policy, int? maxWorkers = null)
    {
        _ = SharedState.Root;
        return new ProcessPoolExecutor(maxWorkers, policy: policy);
    }
}
