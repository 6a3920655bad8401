using ActorPool.Security;
using Akka.Actor;

namespace ActorPool.Cluster.Protocol;

/// <summary>
/// Akka.Cluster's message serializer, refusing the user actions <c>Leave</c> and <c>Down</c> from the wire: Akka.Cluster
/// sends them only to the member's own daemon, and from another process they would let any peer that reaches the
/// daemon's path take members out of the cluster.
/// </summary>
internal sealed class GuardedClusterMessageSerializer(ExtendedActorSystem system) : InboundGuardSerializer(
    system,
    new Akka.Cluster.Serialization.ClusterMessageSerializer(system),
    5,
    new HashSet<string> { "Akka.Cluster.ClusterUserAction+Leave, Akka.Cluster", "Akka.Cluster.ClusterUserAction+Down, Akka.Cluster" });
