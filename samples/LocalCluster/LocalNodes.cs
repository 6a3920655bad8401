using ActorPool.Cluster;
using Akka.Actor;

namespace LocalCluster;

/// <summary>
/// The worker node processes this demo starts on 127.0.0.1. Disposing stops them all at once, gracefully (each
/// finishes the calls it holds, then leaves the cluster); each would also leave if this process died, since its
/// stdin would end.
/// </summary>
internal sealed class LocalNodes : IDemoNodes
{
    private readonly List<LocalNodeProcess> nodes = [];

    public IReadOnlyList<int> Pids => nodes.Select(n => n.Pid).ToList();

    public string Disruption => "SIGKILL";

    /// <summary>Starts <paramref name="count"/> nodes; <paramref name="output"/> gets the lines they print.</summary>
    public void Start(Address seed, string secret, int count, int workers, Action<string> output)
    {
        for (var i = 0; i < count; i++)
        {
            nodes.Add(LocalNodeProcess.Start(seed, secret, workers, output: output));
        }
    }

    /// <summary>Kills the node with SIGKILL, as a crash would.</summary>
    public string Disrupt(int index)
    {
        nodes[index].Kill();
        return $"Killed the node with pid {nodes[index].Pid} (SIGKILL)";
    }

    public void Dispose() => Parallel.ForEach(nodes, node => node.Dispose());
}
