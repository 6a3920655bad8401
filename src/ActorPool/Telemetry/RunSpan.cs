using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using ActorPool.Calls;

namespace ActorPool.Telemetry;

/// <summary>
/// A call's run where it runs (a worker thread, a worker process, a node), as an <see cref="Activity"/> current around
/// the function, so the function's own spans, logs and outgoing requests join the submitter's trace. It continues the
/// context the call carried even when nobody listens here (the activity is then made directly, unrecorded, only to be
/// current); a call that carried none runs without one, unless a listener here samples a new trace. Started and ended on
/// the same thread, which it leaves with the activity that was current before: worker threads run many calls.
/// </summary>
internal readonly struct RunSpan
{
    private readonly Activity? activity;
    private readonly Activity? previous;

    private RunSpan(Activity activity, Activity? previous)
    {
        this.activity = activity;
        this.previous = previous;
    }

    /// <summary>
    /// Starts the run of <paramref name="function"/> as a child of <paramref name="parent"/> (default: the call carried no
    /// context) and makes it current; <paramref name="kind"/> and <paramref name="executorName"/> tag it when it is recorded.
    /// </summary>
    public static RunSpan Start(in ActivityContext parent, string kind, string? executorName, MethodInfo function) =>
        IsWanted(parent) ? StartTraced(parent, kind, executorName, function) : default;

    /// <summary>True when a run has an activity: it carried a context, or a listener here may sample a new trace.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // asked by every call's Start
    private static bool IsWanted(in ActivityContext parent) => parent != default || ActorPoolTracing.Source.HasListeners();

    private static RunSpan StartTraced(in ActivityContext parent, string kind, string? executorName, MethodInfo function)
    {
        var previous = Activity.Current;
        if (previous is not null)
        {
            Activity.Current = null; // whatever this thread was left with is not the call's parent
        }

        var activity = ActorPoolTracing.Source.StartActivity(ActorPoolTracing.RunSpan, ActivityKind.Server, parent);
        if (activity is null)
        {
            if (parent == default)
            {
                Activity.Current = previous;
                return default;
            }

            // Nobody here records it; the function must still see the submitter's trace as its own.
            activity = new Activity(ActorPoolTracing.RunSpan);
            activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
            activity.TraceStateString = parent.TraceState;
            activity.Start();
        }
        else if (activity.IsAllDataRequested)
        {
            var names = ActorPoolTracing.NamesOf(function);
            activity.DisplayName = names.Run;
            activity.SetTag(ActorPoolTracing.KindTag, kind);
            if (executorName is not null)
            {
                activity.SetTag(ActorPoolTracing.NameTag, executorName);
            }

            activity.SetTag(ActorPoolTracing.FunctionTag, names.Function);
        }

        return new RunSpan(activity, previous);
    }

    /// <summary>The function returned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // nothing to do for a run without an activity, the common case
    public void Succeeded()
    {
        if (activity is not null)
        {
            End(CallOutcome.Success, null);
        }
    }

    /// <summary>The function threw <paramref name="error"/>.</summary>
    public void Failed(Exception error) => End(CallOutcome.Failure, error);

    /// <summary>The function stopped as asked, for <paramref name="reason"/>.</summary>
    public void Stopped(StopReason reason) => End(reason == StopReason.TimedOut ? CallOutcome.Timeout : CallOutcome.Canceled, null);

    private void End(string outcome, Exception? error)
    {
        if (activity is null)
        {
            return;
        }

        if (activity.IsAllDataRequested && activity.Source == ActorPoolTracing.Source) // not one made only to be current
        {
            ActorPoolTracing.SetOutcome(activity, outcome, error);
        }

        activity.Stop();
        Activity.Current = previous;
    }
}
