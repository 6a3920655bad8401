using Microsoft.Extensions.Logging;

namespace ActorPool.Cluster.Logging;

/// <summary>
/// A cluster pool's records about its worker nodes, category <c>ActorPool.Cluster</c>. Event ids 400–499. A node joining,
/// draining or leaving on purpose is Debug; a node that becomes unreachable or whose process exits, one without the secret
/// or with payload limits below the coordinator's, and an initializer that failed on a node are warnings and errors.
/// </summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 401, EventName = "NodeWorkerJoined", Level = LogLevel.Debug, Message = "Worker node {Node} (pid {NodePid}) gave this pool a worker")]
    public static partial void WorkerJoined(ILogger logger, Akka.Actor.Address node, int nodePid);

    [LoggerMessage(EventId = 402, EventName = "NodeDraining", Level = LogLevel.Debug, Message = "Worker node {Node} is leaving: it finishes the calls it holds and takes no more")]
    public static partial void NodeDraining(ILogger logger, Akka.Actor.Address node);

    [LoggerMessage(EventId = 403, EventName = "NodeLeft", Level = LogLevel.Debug, Message = "Worker node {Node} left the cluster")]
    public static partial void NodeLeft(ILogger logger, Akka.Actor.Address node);

    [LoggerMessage(EventId = 404, EventName = "NodeUnreachable", Level = LogLevel.Warning,
        Message = "Worker node {Node} is unreachable: the calls it held fail, and it gets no more unless it comes back")]
    public static partial void NodeUnreachable(ILogger logger, Akka.Actor.Address node);

    [LoggerMessage(EventId = 405, EventName = "NodeSecretRefused", Level = LogLevel.Warning,
        Message = "Worker node {Node} (pid {NodePid}) did not prove it knows the cluster's secret, so it gets no work. Start it with the same secret as this executor")]
    public static partial void SecretRefused(ILogger logger, Akka.Actor.Address node, int nodePid);

    [LoggerMessage(EventId = 406, EventName = "NodeInitializerFailed", Level = LogLevel.Error,
        Message = "The initializer failed on worker node {Node} (pid {NodePid}): the cluster pool is broken. {Error}")]
    public static partial void InitializerFailed(ILogger logger, Akka.Actor.Address node, int nodePid, string error);

    [LoggerMessage(EventId = 410, EventName = "NodeProcessExited", Level = LogLevel.Warning,
        Message = "Worker node {Node} (pid {NodePid}), a child process of this one, {Exit}: the calls it held fail, and it is downed")]
    public static partial void NodeProcessExited(ILogger logger, Akka.Actor.Address node, int nodePid, string exit);

    [LoggerMessage(EventId = 411, EventName = "NodeLimitsRefused", Level = LogLevel.Warning,
        Message = "Worker node {Node} refused this pool: it allows {NodeLimits}, less than this coordinator's {CoordinatorLimits}. " +
                  "It gets no work and shuts down; give it the coordinator's actorpool.process-pool.max-payload-size and akka.remote.dot-netty.tcp.maximum-frame-size")]
    public static partial void NodeLimitsRefused(ILogger logger, Akka.Actor.Address node, string nodeLimits, string coordinatorLimits);
}
