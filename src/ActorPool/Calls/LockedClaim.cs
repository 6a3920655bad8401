namespace ActorPool.Calls;

/// <summary>
/// A claim that the worker's proxy decides under the future's lock, for a worker that cannot share memory with the parent
/// (a cluster node): the worker asks for each call it holds before it starts it, and the proxy grants the call
/// (<see cref="CallTicket.TryGrant"/>) unless the user canceled it, the pool failed it or the router took it back first.
/// Every move happens under the future's lock (the ticket's steps and the future's gate), so a plain field decides it.
/// </summary>
internal abstract class LockedClaim : Claim
{
    private Decision decision;

    private enum Decision : byte
    {
        Offered,
        Granted,
        Canceled,
        TakenBack,
    }

    /// <summary>True once the proxy has granted the call: the worker may start it, and it can no longer be canceled.</summary>
    public override bool HasStarted => decision == Decision.Granted;

    /// <summary>True if the router took the call back (for another worker, or to requeue it) before it was granted.</summary>
    public bool WasTakenBack => decision == Decision.TakenBack;

    public override bool TryCancel() => Withdraw(Decision.Canceled);

    public override bool TryTakeBack() => Withdraw(Decision.TakenBack);

    /// <summary>For <see cref="CallTicket.TryGrant"/>, under the future's lock: true if the call was still only offered.</summary>
    internal bool TryGrantLocked()
    {
        if (decision != Decision.Offered)
        {
            return false;
        }

        decision = Decision.Granted;
        return true;
    }

    private bool Withdraw(Decision to)
    {
        if (decision != Decision.Offered)
        {
            return false;
        }

        decision = to;
        return true;
    }
}
