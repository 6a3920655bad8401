using ActorPool.Calls;
using ActorPool.Wire;

namespace ActorPool.ProcessPool;

/// <summary>
/// A call a worker process holds, and its claim: the word on the process's board that decides, once, whether the
/// worker starts the call or the parent cancels it or takes it back.
/// </summary>
internal sealed class HeldCall(WorkItem item, ClaimBoard board, int slot, long id, long bytes) : Claim
{
    public WorkItem Item { get; } = item;

    public int Slot => slot;

    /// <summary>The id it was sent with, unique for its proxy.</summary>
    public long Id => id;

    /// <summary>When the worker started it (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), once it has.</summary>
    public override long StartedAt => board.StartedAt(slot);

    /// <summary>Its size on the wire, counted against how much a worker may hold.</summary>
    public long Bytes => bytes;

    public bool WasTakenBack => board.WasTakenBack(slot, id);

    public override bool HasStarted => board.HasStarted(slot, id);

    public override bool TryCancel() => board.TryCancel(slot, id);

    public override bool TryTakeBack() => board.TryTakeBack(slot, id);
}
