using System.Diagnostics;
using ActorPool.Telemetry;

namespace ActorPool;

// What a future tells the ActorPool meter as its call moves from queued to running to settled: each transition once,
// under the future's lock, so the queued and running counts balance. Nothing here is public.
public abstract partial class Future
{
    private ExecutorMeter? meter; // set once its executor has accepted the call; null for a future nobody submitted
    private long meterSince;      // when it was queued, then when it started (0 when nobody measures that)

    /// <summary>
    /// Starts metering the call, once its executor has accepted it and before it posts it. A call whose future is
    /// <paramref name="shared"/> already (a token watches it, and may cancel it meanwhile) is metered under the lock, and
    /// counted as settled if it is; the future of any other call is still its executor's alone, and needs no lock.
    /// </summary>
    internal void StartMetering(ExecutorMeter executor, bool shared)
    {
        if (!shared)
        {
            Debug.Assert(meter is null && state == FutureState.Pending, "an unshared call is pending and metered once");
            meter = executor;
            meterSince = executor.Submitted(pending: true); // posting the call publishes both fields
            return;
        }

        lock (Gate)
        {
            Debug.Assert(meter is null, "a call is metered once");
            meter = executor;
            if (state == FutureState.Pending)
            {
                meterSince = executor.Submitted(pending: true);
            }
            else
            {
                executor.Submitted(pending: false); // not posted yet, so it never ran: settled by its token
                executor.SettledBeforeQueued(OutcomeLocked(timedOut: false));
            }
        }
    }

    /// <summary>The executor's side of the meter, once it has accepted the call; null for a future nobody submitted.</summary>
    internal ExecutorMeter? Meter => meter;

    /// <summary>
    /// The call has started. The caller holds <see cref="Gate"/> and has just made the future running. A worker process
    /// that started a call it was sent ahead stamped when; the parent learns of it later, so that stamp is the start.
    /// </summary>
    private void MeterStartedLocked()
    {
        if (meter is { } executor)
        {
            meterSince = executor.Started(meterSince, startGate?.WorkerStartedAt ?? 0);
        }
    }

    /// <summary>The call has settled. The caller holds <see cref="Gate"/> and has just made the future final.</summary>
    private protected void MeterSettledLocked(bool wasRunning, bool timedOut = false) =>
        meter?.Settled(wasRunning, wasRunning ? meterSince : 0, OutcomeLocked(timedOut));

    private string OutcomeLocked(bool timedOut) => state switch
    {
        FutureState.Canceled or FutureState.CanceledAndNotified => CallOutcome.Canceled,
        _ when timedOut => CallOutcome.Timeout,
        _ when error is not null => CallOutcome.Failure,
        _ => CallOutcome.Success,
    };
}
