using ActorPool.Tests.Contract;
using Akka.Actor;
using Akka.Configuration;

namespace ActorPool.Tests.Cluster;

/// <summary>
/// One coordinator actor system and two worker node processes (3 workers each) shared by the cluster contract
/// suite: each test makes its executors in this system, and each executor gets worker groups of its own on the
/// nodes, so tests do not pay a node's start-up each.
/// </summary>
public sealed class SharedClusterFixture : IDisposable
{
    public const int NodeWorkers = 3;

    private readonly LocalCluster cluster = new();

    public SharedClusterFixture()
    {
        System = ActorSystem.Create("actorpool", ConfigurationFactory.ParseString("""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            akka.cluster.roles = [actorpool-coordinator]
            akka.actor.serialize-messages = on
            akka.loglevel = WARNING
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """));
        var self = Akka.Cluster.Cluster.Get(System);
        self.Join(self.SelfAddress);
        cluster.StartNode(self.SelfAddress, NodeWorkers);
        cluster.StartNode(self.SelfAddress, NodeWorkers);
    }

    public ActorSystem System { get; }

    public string Secret => cluster.Secret;

    /// <summary>Stops the nodes, then the coordinator's system; either one stuck fails the collection's cleanup, after both were tried.</summary>
    public void Dispose()
    {
        var stuck = new List<string>();
        try
        {
            cluster.Dispose();
        }
        catch (TimeoutException e)
        {
            stuck.Add(e.Message);
        }

        if (!System.Terminate().Wait(Probe.Bound))
        {
            stuck.Add($"The shared cluster's coordinator system did not terminate within {Probe.Bound}.");
        }

        if (stuck.Count > 0)
        {
            throw new TimeoutException(string.Join(" ", stuck));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedClusterDefinition : ICollectionFixture<SharedClusterFixture>
{
    public const string Name = "shared cluster";
}
