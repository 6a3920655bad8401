using ActorPool.Cluster;
using Akka.Actor;
using Akka.Cluster;
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

    public void Dispose()
    {
        cluster.Dispose();
        System.Terminate().Wait(TimeSpan.FromSeconds(10));
    }
}

[CollectionDefinition(Name)]
public sealed class SharedClusterDefinition : ICollectionFixture<SharedClusterFixture>
{
    public const string Name = "shared cluster";
}
