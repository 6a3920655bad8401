using ActorPool.Tests.Cluster;
using ActorPool.Cluster;

namespace ActorPool.Tests.Contract;

/// <summary>
/// The executor contract run against <see cref="ClusterPoolExecutor"/>: a coordinator system in the test process
/// and two worker node processes joined to it over Akka.Cluster on 127.0.0.1 (see <see cref="SharedClusterFixture"/>).
/// </summary>
[Collection(SharedClusterDefinition.Name)]
[Trait("Category", "Slow")] // worker node processes (the shared cluster)
public sealed class ClusterPoolExecutorContractTests(SharedClusterFixture cluster) : ExecutorContractTests
{
    protected override string ExpectedKind => "cluster";

    protected override Type BrokenExceptionType => typeof(BrokenClusterPoolException);

    protected override int GrantedAheadPerWorker => 1;

    // Calls are sent ahead (actorpool.cluster.prefetch, 2 by default), so a test that means several workers waits for them:
    // the first node worker to attach would otherwise be sent calls ahead that the others were meant to run.
    protected override Executor CreateExecutor(int? maxWorkers = null, Action? initializer = null, ExecutorPolicy? policy = null)
    {
        var executor = new ClusterPoolExecutor(
            new ClusterPoolExecutorOptions { Secret = cluster.Secret, MaxWorkers = maxWorkers, Initializer = initializer, Policy = policy }, cluster.System);
        if (initializer is null)
        {
            executor.WaitForWorkersAsync(Math.Min(maxWorkers ?? int.MaxValue, 2 * SharedClusterFixture.NodeWorkers), Probe.Bound).GetAwaiter().GetResult();
        }

        return executor;
    }
}
