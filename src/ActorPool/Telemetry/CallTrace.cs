using System.Diagnostics;

namespace ActorPool.Telemetry;

/*
 * One call's trace on the submitting side, made at Submit and kept by its future:
 *
 *   Submit ─► Begin: the context the call carries to its worker (the call span's, else the submitter's Activity.Current)
 *             and, when a listener samples them, the call span (kind Client) and its queue span
 *   the future running ─► Started: the queue span ends
 *   the future settled ─► Settled: the queue span ends if the call never started; the call span ends with its outcome
 *
 * Started and Settled are called from the future's meter hooks (Future.Metering.cs), under its lock and once per
 * transition, so each span ends exactly once however the future settles. A call whose submitter has no activity, in a
 * process where nobody listens, has no trace at all: Begin costs the read of Activity.Current and returns null.
 */
internal sealed class CallTrace
{
    private readonly Activity? call;
    private Activity? queue;

    private CallTrace(ActivityContext context, Activity? call, Activity? queue)
    {
        Context = context;
        this.call = call;
        this.queue = queue;
    }

    /// <summary>What the call's run continues, in whichever thread, process or node runs it: the call span, else the submitter's activity.</summary>
    public ActivityContext Context { get; }

    /// <summary>The trace of a call being submitted by this thread, or null when there is nothing to trace.</summary>
    public static CallTrace? Begin(ExecutorMeter executor, Delegate function)
    {
        var submitter = Activity.Current;
        return submitter is null && !ActorPoolTracing.Source.HasListeners() ? null : BeginTraced(submitter, executor, function);
    }

    private static CallTrace? BeginTraced(Activity? submitter, ExecutorMeter executor, Delegate function)
    {
        // A submitter's activity in the old hierarchical format has no W3C ids to hand on.
        var context = submitter is { IdFormat: ActivityIdFormat.W3C } ? submitter.Context : default;
        Activity? call = null;
        Activity? queue = null;
        if (ActorPoolTracing.Source.HasListeners())
        {
            call = ActorPoolTracing.Source.StartActivity(ActorPoolTracing.CallSpan, ActivityKind.Client); // the submitter's child
            if (call is not null)
            {
                if (call.IsAllDataRequested)
                {
                    var names = ActorPoolTracing.NamesOf(function.Method);
                    call.DisplayName = names.Call;
                    call.SetTag(ActorPoolTracing.KindTag, executor.Kind);
                    call.SetTag(ActorPoolTracing.NameTag, executor.Name);
                    call.SetTag(ActorPoolTracing.FunctionTag, names.Function);
                    queue = ActorPoolTracing.Source.StartActivity(ActorPoolTracing.QueueSpan, ActivityKind.Internal, call.Context);
                }

                context = call.IdFormat == ActivityIdFormat.W3C ? call.Context : default;
                Activity.Current = submitter; // starting made the spans current; they belong to the call, not to the code after Submit
            }
        }

        // A call span must be kept to be ended, even when it has no W3C context to hand on.
        return context == default && call is null ? null : new CallTrace(context, call, queue);
    }

    /// <summary>The call has started: its wait is over. The caller holds the future's lock.</summary>
    public void Started()
    {
        if (queue is { } waited)
        {
            queue = null;
            ActorPoolTracing.StopKeepingCurrent(waited);
        }
    }

    /// <summary>The call has settled with <paramref name="outcome"/> (<see cref="CallOutcome"/>). The caller holds the future's lock.</summary>
    public void Settled(string outcome, Exception? error)
    {
        Started();
        if (call is null)
        {
            return;
        }

        if (call.IsAllDataRequested)
        {
            ActorPoolTracing.SetOutcome(call, outcome, error);
        }

        ActorPoolTracing.StopKeepingCurrent(call);
    }

    /// <summary>The executor refused the call (shut down, or broken) with <paramref name="error"/>: it will never run.</summary>
    public void Refused(Exception error)
    {
        Started();
        if (call is null)
        {
            return;
        }

        if (call.IsAllDataRequested)
        {
            call.SetTag(ActorPoolTracing.ErrorTypeTag, error.GetType().FullName);
            call.SetStatus(ActivityStatusCode.Error, error.GetType().FullName);
        }

        ActorPoolTracing.StopKeepingCurrent(call);
    }
}
