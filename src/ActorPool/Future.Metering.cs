using System.Diagnostics;
using System.Runtime.CompilerServices;
using ActorPool.Calls;
using ActorPool.Telemetry;

namespace ActorPool;

// What a future tells the ActorPool meter, and its call's trace, as its call moves from queued to running to settled:
// each transition once, under the future's lock, so the queued and running counts balance and each span ends once.
// Nothing here is public.
public abstract partial class Future
{
    private CallOwner? owner; // set once its executor has accepted the call; null for a future nobody submitted
    private Extras? extras;   // made only for a call that is timed (a histogram listens), traced, or reports progress

    /// <summary>
    /// What only some calls need, kept off the future itself: a submit holds every future until it is collected, so each
    /// byte on it is copied with it by every garbage collection meanwhile.
    /// </summary>
    private sealed class Extras
    {
        public long MeterSince;       // when it was queued, then when it started (0 when nobody measures that)
        public CallTrace? Trace;      // a trace to carry or spans to record
        public ProgressState? Progress;
    }

    // The accessors below are inlined into each transition: for a call nobody times or traces they are a null check.
    private long MeterSince
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => extras?.MeterSince ?? 0;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set
        {
            if (value != 0 || extras is not null)
            {
                (extras ??= new Extras()).MeterSince = value;
            }
        }
    }

    private CallTrace? Trace
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => extras?.Trace;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetTrace(CallTrace? callTrace)
    {
        if (callTrace is not null)
        {
            (extras ??= new Extras()).Trace = callTrace;
        }
    }

    /// <summary>
    /// Starts metering the call, once its executor has accepted it and before it posts it, with its <paramref name="callTrace"/>
    /// if it has one. A call whose future is <paramref name="shared"/> already (a token watches it, and may cancel it
    /// meanwhile) is metered under the lock, and counted as settled if it is; the future of any other call is still its
    /// executor's alone, and needs no lock. Returns true if the call counts as queued: it then holds room in its
    /// executor's <see cref="QueueLimit"/>, if it has one, until it leaves the queue.
    /// </summary>
    internal bool StartMetering(CallOwner accepter, bool shared, CallTrace? callTrace = null)
    {
        var executor = accepter.Meter;
        if (!shared)
        {
            Debug.Assert(owner is null && state == FutureState.Pending, "an unshared call is pending and metered once");
            owner = accepter;
            SetTrace(callTrace);
            MeterSince = executor.Submitted(pending: true); // posting the call publishes the fields
            return true;
        }

        lock (Gate)
        {
            Debug.Assert(owner is null, "a call is metered once");
            owner = accepter;
            SetTrace(callTrace);
            if (state == FutureState.Pending)
            {
                MeterSince = executor.Submitted(pending: true);
                return true;
            }

            executor.Submitted(pending: false); // not posted yet, so it never ran: settled by its token
            var outcome = OutcomeLocked(timedOut: false);
            executor.SettledBeforeQueued(outcome);
            callTrace?.Settled(outcome, error);
            return false;
        }
    }

    /// <summary>True if the call carries a trace (its submitter had an activity, or a listener sampled its call span).</summary>
    internal bool CarriesTrace
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Trace is not null;
    }

    /// <summary>
    /// The context the call's run continues wherever it runs (see <see cref="CallTrace"/>); default when it carries none.
    /// Read by its worker after the call was posted, which published it.
    /// </summary>
    internal ActivityContext TraceContext
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Trace?.Context ?? default;
    }

    /// <summary>
    /// The executor's side of the meter once it has accepted the call (for worker restarts and the run span's tags); null
    /// before, or for a future nobody submitted.
    /// </summary>
    internal ExecutorMeter? Meter => owner?.Meter;

    /// <summary>
    /// The call has started. The caller holds <see cref="Gate"/> and has just made the future running. A worker process
    /// that started a call it was sent ahead stamped when; the parent learns of it later, so that stamp is the start.
    /// </summary>
    private void MeterStartedLocked()
    {
        if (owner is { } accepter)
        {
            MeterSince = accepter.Meter.Started(MeterSince, startGate?.WorkerStartedAt ?? 0);
            Trace?.Started();
            accepter.QueueLimit?.Release(); // no longer queued: as actorpool.calls.queued counts
        }
    }

    /// <summary>The call has settled. The caller holds <see cref="Gate"/> and has just made the future final.</summary>
    private protected void MeterSettledLocked(bool wasRunning, bool timedOut = false)
    {
        if (owner is not { } accepter)
        {
            return;
        }

        // Named only for those who read it: a traced call, or a listener counting outcomes.
        var trace = Trace;
        var outcome = trace is not null || ExecutorMeter.CountsOutcomes ? OutcomeLocked(timedOut) : null;
        accepter.Meter.Settled(wasRunning, wasRunning ? MeterSince : 0, outcome);
        trace?.Settled(outcome!, error);
        if (!wasRunning)
        {
            accepter.QueueLimit?.Release(); // left the queue without starting (canceled, failed)
        }
    }

    private string OutcomeLocked(bool timedOut) => state switch
    {
        FutureState.Canceled or FutureState.CanceledAndNotified => CallOutcome.Canceled,
        _ when timedOut => CallOutcome.Timeout,
        _ when error is not null => CallOutcome.Failure,
        _ => CallOutcome.Success,
    };
}
