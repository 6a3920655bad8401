using ActorPool.Tests.Contract;
using ActorPool.Tests.ProcessPool;
using ActorPool.Cluster;

namespace ActorPool.Tests.Cluster;

/// <summary>A cluster pool in a system of the user's (the shared fixture's keeps Akka's default frame size, 128,000 bytes).</summary>
[Collection(SharedClusterDefinition.Name)]
[Trait("Category", "Slow")] // worker node processes (the shared cluster)
public sealed class ClusterPoolPayloadTests(SharedClusterFixture cluster)
{
    [Fact]
    public void Submit_ArgumentOverTheSystemsFrameSize_FailsNamingTheSizeAndTheSetting()
    {
        using var executor = new ClusterPoolExecutor(new ClusterPoolExecutorOptions { Secret = cluster.Secret }, cluster.System);

        // Not a hang: Akka drops a message over the frame size with only a log line, so the pool must refuse it first.
        var error = executor.Submit(ProcessCalls.Echo, new byte[500_000]).Exception(Probe.Bound);

        var payload = Assert.IsType<PayloadException>(error);
        Assert.Contains("maximum-frame-size", payload.Message, StringComparison.Ordinal);
        Assert.Equal(7, executor.Submit(ProcessCalls.Echo, 7).Result(Probe.Bound)); // and the pool goes on
    }
}
