using ActorPool.Tests.Contract;
using ActorPool.Tests.Support;
using System.Security.Cryptography;
using ActorPool.Cluster;
using Akka.Actor;

namespace ActorPool.Tests.Cluster;

/// <summary>
/// A coordinator in this process (a <see cref="ClusterPoolExecutor"/> with an actor system of its own, or a bare
/// cluster system that several executors share) and worker nodes in real child processes on 127.0.0.1.
/// </summary>
public sealed class LocalCluster : IDisposable
{
    private readonly List<LocalNodeProcess> nodes = [];

    public LocalCluster()
    {
        _ = SharedState.Root; // node processes inherit where the contract suite's shared state lives
    }

    public string Secret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Starts a node process that joins <paramref name="seed"/>; disposed with this cluster.</summary>
    public LocalNodeProcess StartNode(Address seed, int workers, string? secret = null, IEnumerable<string>? allowed = null)
    {
        var node = LocalNodeProcess.Start(seed, secret ?? Secret, workers, allowed);
        nodes.Add(node);
        return node;
    }

    /// <summary>
    /// Stops every node gracefully; a node that has not exited within <see cref="Probe.Bound"/> is killed (nothing is left
    /// running) and then fails the teardown with a <see cref="TimeoutException"/> naming it, since it means shutdown hangs.
    /// </summary>
    public void Dispose()
    {
        // All told at once, so the nodes leave together and the bound holds for the lot.
        var stopping = nodes.Select(node => Blocking.Run(() => node.HasExited || node.Stop(Probe.Bound))).ToArray();
        Task.WaitAll(stopping);
        var stuck = new List<int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            if (!stopping[i].Result)
            {
                stuck.Add(nodes[i].Pid);
                nodes[i].Kill();
            }

            nodes[i].Dispose();
        }

        nodes.Clear();
        if (stuck.Count > 0)
        {
            throw new TimeoutException(
                $"Worker node process(es) {string.Join(", ", stuck)} did not exit within {Probe.Bound} of being told to stop, and were killed.");
        }
    }
}
