using ActorPool.Wire;

namespace ActorPool.Cluster.Protocol;

// What crosses the wire between a cluster executor and its worker nodes, besides the process pool's own
// messages (RegisterWorker, WorkerInitializerFailed, CallItem, ResultItem), which the node's workers reuse: a CallItem
// carries the submitter's trace context to a node as it does to a worker process (Wire/TraceContextCodec).
//
//   executor's membership actor ──AttachWorkers(nonce, its proof, its payload limits)──► node's NodeHost ── starts workers ──► each
//     ◄──RegisterWorker(its own proof)── registers; the secret itself never travels (see ClusterSecret)
//   a node whose payload limits are below the executor's ──AttachRefused(its proof, its limits)──► membership actor,
//     and the node shuts down: it could not take every call the executor may send
//   node leaving ──NodeDraining──► membership actor; each of its proxies, once done ──WorkerReleased──► NodeHost

/// <summary>Marks the messages <see cref="ClusterProtocolSerializer"/> writes.</summary>
internal interface IClusterPoolMessage
{
}

/// <summary>
/// Executor → node: here is my proof of the secret (which covers my payload limits); start up to <paramref name="Workers"/>
/// workers for me, and have them prove theirs. <paramref name="MaxPayloadSize"/> and <paramref name="FrameSize"/> are the
/// executor's <see cref="Configuration.PayloadLimits"/>.
/// </summary>
internal sealed record AttachWorkers(string Nonce, string Proof, int Workers, CallDescriptor? Initializer, long MaxPayloadSize, long FrameSize) : IClusterPoolMessage
{
    public Configuration.PayloadLimits Limits => new(MaxPayloadSize, FrameSize);
}

/// <summary>
/// Node → executor: my payload limits (<paramref name="MaxPayloadSize"/>, <paramref name="FrameSize"/>) are below yours, so I
/// start no workers for you and shut down. <paramref name="Proof"/> covers the attachment's nonce, the node and these limits.
/// </summary>
internal sealed record AttachRefused(string Proof, long MaxPayloadSize, long FrameSize) : IClusterPoolMessage
{
    public Configuration.PayloadLimits Limits => new(MaxPayloadSize, FrameSize);
}

/// <summary>Node → executor: I am leaving; send me nothing new, and release my workers once they are done.</summary>
internal sealed record NodeDraining : IClusterPoolMessage
{
    public static readonly NodeDraining Instance = new();
}

/// <summary>Executor → node: the worker named <paramref name="Worker"/> will get no more calls from me.</summary>
internal sealed record WorkerReleased(string Worker) : IClusterPoolMessage;
