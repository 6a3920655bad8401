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

    protected override Executor CreateExecutor(int? maxWorkers = null, Action? initializer = null) =>
        new ClusterPoolExecutor(new ClusterPoolExecutorOptions { Secret = cluster.Secret, MaxWorkers = maxWorkers, Initializer = initializer }, cluster.System);

    protected override Executor CreateExecutor(ExecutorPolicy policy, int? maxWorkers = null) =>
        new ClusterPoolExecutor(new ClusterPoolExecutorOptions { Secret = cluster.Secret, MaxWorkers = maxWorkers, Policy = policy }, cluster.System);
}
