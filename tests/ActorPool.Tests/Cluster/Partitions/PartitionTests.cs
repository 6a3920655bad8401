using System.Diagnostics;
using ActorPool.Cluster;
using Xunit.Abstractions;

namespace ActorPool.Tests.Cluster.Partitions;

/// <summary>
/// A cluster under real partitions: every member in a network namespace of its own (<see cref="PartitionedCluster"/>),
/// a node cut off by taking its bridge port down, frozen with SIGSTOP, or left without its coordinator. Each scenario
/// counts the calls lost (futures never settled) and the results delivered twice; both must be 0.
/// </summary>
public sealed class PartitionTests(ITestOutputHelper output)
{
    [NetworkNamespaceFact]
    [Trait("Category", "Slow")] // node processes, and a failure detector to wait out
    public void Partition_NodeCutOffMidRun_OnlyItsCallsFailItDownsItselfAndExits_AfterHealingANewNodeThereGetsWork()
    {
        using var cluster = PartitionedCluster.Start(nodes: 3, output);
        var cutOff = cluster.Nodes[2];
        cluster.Run("a", count: 18, milliseconds: 1500);
        cluster.WaitForStarts("a", 3 * PartitionedCluster.NodeWorkers); // every worker busy, the cut node's included

        cutOff.Place.Cut();
        var clock = Stopwatch.StartNew();
        var settled = cluster.Settle("a");

        AssertNothingLostOrTwice(cluster, "a", settled);
        Assert.NotEmpty(settled.Failed);
        Assert.All(settled.Failed, call =>
        {
            Assert.Equal("BrokenClusterPoolException", call.Error);
            Assert.Contains($"@{cutOff.Place.Address}:", call.Node, StringComparison.Ordinal);
        });
        Assert.All(settled.Ok, call => Assert.NotEqual(cutOff.Pid, call.Pid));
        output.WriteLine($"Cut off: {settled.Failed.Count} calls failed, {settled.Failed.Max(c => c.SettledAfterMs)} ms after the cut at the latest; " +
                         $"{settled.Ok.Count} finished on the other nodes.");

        // Split-brain resolver: the cut-off side has no coordinator, so the node downs itself and its program ends.
        Assert.True(cutOff.Program.WaitForExit(PartitionedCluster.Bound), $"The cut-off node (pid {cutOff.Pid}) did not exit: a zombie.");
        Assert.Equal(ClusterWorkerNode.DownedExitCode, cutOff.Program.ExitCode);
        output.WriteLine($"The cut-off node exited {clock.ElapsedMilliseconds} ms after the cut.");

        cutOff.Place.Heal();
        var newcomer = cluster.StartNode(cutOff.Place);
        cluster.WaitForWorkers(3 * PartitionedCluster.NodeWorkers);
        cluster.Run("b", count: MoreThanTheyHold(otherWorkers: 2 * PartitionedCluster.NodeWorkers), milliseconds: 500);
        var after = cluster.Settle("b");
        AssertNothingLostOrTwice(cluster, "b", after);
        Assert.Empty(after.Failed);
        Assert.Contains(after.Ok, call => call.Pid == newcomer.Pid);
    }

    [NetworkNamespaceFact]
    [Trait("Category", "Slow")] // node processes, and a failure detector to wait out
    public void Partition_NodeCutOffMidRun_CallsWithARetryPolicyAllFinishElsewhere()
    {
        using var cluster = PartitionedCluster.Start(nodes: 2, output);
        var cutOff = cluster.Nodes[1];
        cluster.Run("a", count: 8, milliseconds: 1500, retry: true);
        cluster.WaitForStarts("a", 2 * PartitionedCluster.NodeWorkers);

        cutOff.Place.Cut();
        var settled = cluster.Settle("a");

        AssertNothingLostOrTwice(cluster, "a", settled);
        Assert.Empty(settled.Failed);
        Assert.All(settled.Ok, call => Assert.NotEqual(cutOff.Pid, call.Pid));
        // The calls the cut node held ran there (or may still) and ran again elsewhere: at most once per attempt, not per call.
        var twiceRun = cluster.Starts("a").Where(start => start.Value.Contains(cutOff.Pid) && start.Value.Count > 1).ToList();
        Assert.NotEmpty(twiceRun);
        output.WriteLine($"Retried: {twiceRun.Count} calls ran on the cut-off node and again on the other; every future succeeded once.");
    }

    [NetworkNamespaceFact]
    [Trait("Category", "Slow")] // node processes, and a failure detector to wait out
    public void Partition_CoordinatorKilled_EveryNodeDownsItselfAndExits()
    {
        using var cluster = PartitionedCluster.Start(nodes: 2, output);
        cluster.Run("a", count: 8, milliseconds: 1500);
        cluster.WaitForStarts("a", 2 * PartitionedCluster.NodeWorkers); // the nodes are busy when it goes

        cluster.Coordinator.Kill();
        var clock = Stopwatch.StartNew();

        // Their stdin stays open: it is the split-brain resolver (keep-oldest, the coordinator's role) that ends them.
        Assert.All(cluster.Nodes, node =>
        {
            Assert.True(node.Program.WaitForExit(PartitionedCluster.Bound), $"Node pid {node.Pid} did not exit after its coordinator was killed.");
            Assert.Equal(ClusterWorkerNode.DownedExitCode, node.Program.ExitCode);
        });
        output.WriteLine($"Every node exited within {clock.ElapsedMilliseconds} ms of the coordinator's SIGKILL.");
    }

    [NetworkNamespaceFact]
    [Trait("Category", "Slow")] // node processes, and a failure detector to wait out
    public void Partition_NodeFrozenWithSigstop_IsUnreachableItsCallsFailTheRestFinish()
    {
        using var cluster = PartitionedCluster.Start(nodes: 2, output);
        var frozen = cluster.Nodes[1];
        cluster.Run("a", count: 8, milliseconds: 1500);
        cluster.WaitForStarts("a", 2 * PartitionedCluster.NodeWorkers);

        frozen.Freeze();
        var settled = cluster.Settle("a");

        AssertNothingLostOrTwice(cluster, "a", settled);
        Assert.NotEmpty(settled.Failed);
        Assert.All(settled.Failed, call =>
        {
            Assert.Equal("BrokenClusterPoolException", call.Error);
            Assert.Contains($"@{frozen.Place.Address}:", call.Node, StringComparison.Ordinal);
        });
        Assert.All(settled.Ok, call => Assert.NotEqual(frozen.Pid, call.Pid));
        output.WriteLine($"Frozen: {settled.Failed.Count} calls failed, {settled.Failed.Max(c => c.SettledAfterMs)} ms after SIGSTOP at the latest.");

        // Thawed once the coordinator's side has downed it, it finds itself alone and exits rather than run on outside the cluster.
        cluster.WaitUntilRemoved(frozen);
        frozen.Thaw();
        Assert.True(frozen.Program.WaitForExit(PartitionedCluster.Bound), $"The thawed node (pid {frozen.Pid}) did not exit: a zombie. It wrote: {frozen.Program.Errors}");
        Assert.Equal(ClusterWorkerNode.DownedExitCode, frozen.Program.ExitCode);
    }

    [NetworkNamespaceFact]
    [Trait("Category", "Slow")] // node processes, and a failure detector to wait out
    public void Partition_NodeFrozenThenThawedBeforeItIsDowned_ComesBackAndGetsWork()
    {
        // stable-after far beyond the freeze, so that the thaw comes before either side's split-brain resolver decides.
        using var cluster = PartitionedCluster.Start(nodes: 2, output, "akka.cluster.split-brain-resolver.stable-after = 30s");
        var frozen = cluster.Nodes[1];
        cluster.Run("a", count: 4, milliseconds: 1000);
        cluster.WaitForStarts("a", 2 * PartitionedCluster.NodeWorkers);

        frozen.Freeze();
        var settled = cluster.Settle("a");
        AssertNothingLostOrTwice(cluster, "a", settled);
        Assert.NotEmpty(settled.Failed);
        Assert.All(settled.Failed, call => Assert.Contains($"@{frozen.Place.Address}:", call.Node, StringComparison.Ordinal));

        frozen.Thaw();
        cluster.WaitForWorkers(2 * PartitionedCluster.NodeWorkers); // reachable again: attached afresh
        cluster.Run("b", count: MoreThanTheyHold(otherWorkers: PartitionedCluster.NodeWorkers), milliseconds: 500);
        var after = cluster.Settle("b");
        AssertNothingLostOrTwice(cluster, "b", after);
        Assert.Empty(after.Failed);
        Assert.Contains(after.Ok, call => call.Pid == frozen.Pid);
        Assert.False(frozen.Program.HasExited);
    }

    /// <summary>
    /// More calls than <paramref name="otherWorkers"/> can hold at once (each runs one and holds actorpool.cluster.prefetch
    /// more, 2 by default), so the node that came back must get some, whatever order the router sends them in.
    /// </summary>
    private static int MoreThanTheyHold(int otherWorkers) => otherWorkers * (1 + 2) + PartitionedCluster.NodeWorkers;

    /// <summary>Every future settled, none twice, and each result came from a node the call really started on.</summary>
    private static void AssertNothingLostOrTwice(PartitionedCluster cluster, string batch, PartitionedCluster.Settled settled)
    {
        Assert.Equal(0, settled.Lost);
        Assert.Equal(0, settled.Twice);
        var starts = cluster.Starts(batch);
        Assert.All(settled.Ok, call => Assert.Contains(call.Pid, starts[call.Index]));
    }
}
