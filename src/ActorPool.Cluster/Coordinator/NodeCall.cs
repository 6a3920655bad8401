using ActorPool.Calls;

namespace ActorPool.Cluster.Coordinator;

/// <summary>
/// A call a node worker holds, and its claim: granted by the worker's <see cref="NodeWorkerProxy"/> under the future's lock
/// when the node is about to need it, unless it was canceled or taken back first.
/// </summary>
internal sealed class NodeCall(WorkItem item, long id) : LockedClaim
{
    public WorkItem Item { get; } = item;

    /// <summary>The id it was sent with, unique for its proxy and increasing in the order sent.</summary>
    public long Id => id;

    /// <summary>The node said it started this call: the call after it was decided then, if it had reached the node by then.</summary>
    public bool StartReported { get; set; }

    /// <summary>How many messages the proxy had sent its node worker once this call went: the node has it once it has seen as many.</summary>
    public long Sequence { get; set; }
}
