namespace ActorPool.Routing;

/// <summary>How a pool's workers take the calls the router sends them: one of three, one per kind of worker.</summary>
internal enum HandOverMode
{
    /// <summary>
    /// The worker holds each call under a claim that its proxy decides when the worker asks for it, one call ahead of the
    /// one it runs (<see cref="Calls.CallTicket.TryGrant"/>): calls sent ahead stay pending and cancelable until granted, and
    /// the router can take back those not granted. One message per call; no stall watching, as a frozen worker is a frozen
    /// node, which the cluster's failure detector reports (cluster nodes).
    /// </summary>
    ClaimedOnRequest,

    /// <summary>
    /// The worker starts each call itself (<see cref="Calls.CallTicket.TryStart"/>), so calls sent ahead stay pending and
    /// the router can take back those not started; an idle worker takes its share of the queue in one
    /// <see cref="WorkBatch"/> (threads of this process).
    /// </summary>
    ClaimedInBatches,

    /// <summary>
    /// The worker holds each call under a claim until it starts it (<see cref="Calls.CallTicket.TryHold"/>), one message per
    /// call; and, since a worker can stall while the rest of the pool runs (a process frozen or starved), a worker's only
    /// call, left unstarted for <see cref="DispatchPolicy.StalledAfter"/>, is given to an idle worker, once (worker processes).
    /// </summary>
    ClaimedWatchedForStalls,
}
