using ActorPool.Tests.Support;
using Akka.Actor;

namespace ActorPool.Tests.Contract;

/// <summary>The executor contract run against <see cref="ThreadPoolExecutor"/>, each executor in its own strict actor system.</summary>
public sealed class ThreadPoolExecutorContractTests : ExecutorContractTests
{
    private readonly List<ActorSystem> systems = [];

    protected override string ExpectedKind => "thread";

    protected override Type BrokenExceptionType => typeof(BrokenThreadPoolException);

    protected override Executor CreateExecutor(int? maxWorkers = null, Action? initializer = null)
    {
        var system = TestSystems.Create();
        systems.Add(system);
        return new ThreadPoolExecutor(maxWorkers, initializer: initializer, system: system);
    }

    protected override Executor CreateExecutor(ExecutorPolicy policy, int? maxWorkers = null)
    {
        var system = TestSystems.Create();
        systems.Add(system);
        return new ThreadPoolExecutor(maxWorkers, system: system, policy: policy);
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing); // the executors first, then the systems they ran in
        }
        finally
        {
            if (disposing)
            {
                foreach (var system in systems)
                {
                    system.Dispose();
                }
            }
        }
    }
}
