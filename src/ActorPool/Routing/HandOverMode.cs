namespace ActorPool.Routing;

/// <summary>How a pool's workers take the calls the router sends them: one of three, one per kind of worker.</summary>
internal enum HandOverMode
{
    /// <summary>
    /// The router marks each call running as it sends it, since the worker cannot be asked whether it started one (a
    /// cluster node, across the network): calls sent ahead are no longer cancelable. One message per call.
    /// </summary>
    RunningWhenSent,

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
