using ActorPool.Wire;

namespace ActorPool.Cluster.Protocol;

// What crosses the wire between a cluster executor and its worker nodes, besides the process pool's own
// messages (RegisterWorker, WorkerInitializerFailed, CallItem, ResultItem), which the node's workers reuse: a CallItem
// carries the submitter's trace context to a node as it does to a worker process (Wire/TraceContextCodec).
//
//   executor's membership actor ──AttachWorkers(nonce, its proof)──► node's NodeHost ── starts workers ──► each
//     ◄──RegisterWorker(its own proof)── registers; the secret itself never travels (see ClusterSecret)
//   node leaving ──NodeDraining──► membership actor; each of its proxies, once done ──WorkerReleased──► NodeHost

/// <summary>Marks the messages <see cref="ClusterProtocolSerializer"/> writes.</summary>
internal interface IClusterPoolMessage
{
}

/// <summary>Executor → node: here is my proof of the secret; start up to <paramref name="Workers"/> workers for me, and have them prove theirs.</summary>
internal sealed record AttachWorkers(string Nonce, string Proof, int Workers, CallDescriptor? Initializer, long MaxPayload) : IClusterPoolMessage;

/// <summary>Node → executor: I am leaving; send me nothing new, and release my workers once they are done.</summary>
internal sealed record NodeDraining : IClusterPoolMessage
{
    public static readonly NodeDraining Instance = new();
}

/// <summary>Executor → node: the worker named <paramref name="Worker"/> will get no more calls from me.</summary>
internal sealed record WorkerReleased(string Worker) : IClusterPoolMessage;
