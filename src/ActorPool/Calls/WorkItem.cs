using ActorPool.Telemetry;
using Akka.Actor;

namespace ActorPool.Calls;

/// <summary>
/// One submitted call, as the parent keeps it: the future to settle, how to run the call, and (as a
/// <see cref="CallTicket"/>) where it stands in its hand-over to a worker. It is the message the executor posts to
/// its router and the router hands to a worker in this process; it never crosses a process boundary (a delegate and
/// a future cannot), hence no serialization check.
/// </summary>
internal abstract class WorkItem : CallTicket, ICallScope, INoSerializationVerificationNeeded
{
    /// <summary>Runs the call on the current thread and settles the future with its outcome.</summary>
    public abstract void Run();

    /// <summary>The user's function, for workers that describe the call by reference (process workers).</summary>
    public abstract Delegate Function { get; }

    /// <summary>True for a chunk of <c>Map</c>: <see cref="Columns"/> holds its items, the result is an array.</summary>
    public virtual bool IsChunk => false;

    /// <summary>The arguments of a single call of <see cref="Function"/>.</summary>
    public virtual object?[] Arguments => [];

    /// <summary>For a chunk: one typed array per parameter of <see cref="Function"/>, item i's arguments at index i.</summary>
    public virtual Array[] Columns => [];

    /// <summary>
    /// True for a plain function (not async, taking no token), which runs start to end on the thread that invokes it: a call
    /// without options then needs its <see cref="CallContext"/> on that thread only.
    /// </summary>
    protected virtual bool RunsOnItsThreadOnly => false;

    /// <summary>How the call may be stopped (its token and timeout), for a call submitted with them; null for any other.</summary>
    public CallControl? Control { get; set; }

    /// <summary>The call's own token, for a function that takes one; <see cref="CancellationToken.None"/> when nothing can stop it.</summary>
    protected CancellationToken Token => Control?.Token ?? CancellationToken.None;

    CancellationToken ICallScope.Token => Token;

    /// <summary>A progress value the call reported on a thread of this process: kept as it is, for the future's callbacks.</summary>
    void ICallScope.ReportProgress(object? value, Type declared) => Future.ReportProgress(value);

    /// <summary>
    /// The user's token was canceled: a pending call is canceled as by <see cref="Future.Cancel()"/>; a running one is
    /// asked to stop (its runner in another process told).
    /// </summary>
    public void TokenCanceled()
    {
        if (Future.Cancel())
        {
            IsPendingOrNotifyCancel(); // unlike Cancel(), notified at once: Wait and AsCompleted count it done now
            return;
        }

        if (Future.IsDone || Control is not { } control)
        {
            return;
        }

        if (control.RequestStop(StopReason.Canceled))
        {
            control.Runner?.Tell(new StopCall(this), ActorRefs.NoSender);
        }
    }

    /// <summary>Settles a call that was stopped: canceled, or failed with a <see cref="TimeoutException"/> after its timeout.</summary>
    public void SettleStopped(bool deferCallbacks = false)
    {
        if (Control?.Reason == StopReason.TimedOut)
        {
            Future.TryTimeOut(Control.TimeoutError(), deferCallbacks);
        }
        else
        {
            Future.TryCancelStopped(deferCallbacks);
        }
    }

    protected override void OnSettled() => Control?.Finished();

    /// <summary>For a remote worker: the call in the form it takes, made at <c>Submit</c>; null for thread workers.</summary>
    public EncodedCall? Encoded { get; set; }

    /// <summary>When the router last sent it to a worker (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public long SentAt { get; set; }

    /// <summary>Taken from a worker that left it unstarted too long (a frozen one): never moved that way again.</summary>
    public bool MovedAsStalled { get; set; }

    /// <summary>Its <see cref="CallOptions.Priority"/>: where the router's queue puts it once the queue is ordered (see <see cref="Routing.CallQueue"/>).</summary>
    public int Priority { get; set; }

    /// <summary>The type of the future's result, which a process worker's reply is read as.</summary>
    public abstract Type ResultType { get; }

    /// <summary>Finishes the future with a result decoded elsewhere (from a process worker's reply).</summary>
    public abstract void SetResultObject(object? value);

    /// <summary>Fails the future unless it is already settled (a worker may have settled it before failing).</summary>
    public void Fail(Exception error) => Future.TrySetException(error);

    /// <summary>Fails the future from the router: its callbacks run on the .NET thread pool, so user code never holds the router up.</summary>
    public void FailFromRouter(Exception error) => Future.TrySetException(error, deferCallbacks: true);

    /// <summary>Fails, from the router, a call that never reached a worker; one canceled meanwhile is only notified.</summary>
    public void FailQueued(Exception error)
    {
        if (Future.TryMarkRunning() == true)
        {
            FailFromRouter(error);
        }
    }
}

/// <summary>A <see cref="WorkItem"/> whose call returns a <typeparamref name="TResult"/>.</summary>
internal abstract class WorkItem<TResult> : WorkItem
{
    private Future<TResult> future; // replaced only in a copy made by Renew, before it is shared

    protected WorkItem() => future = new Future<TResult>(gate: this);

    /// <summary>
    /// A fresh copy of this call for another attempt (<see cref="RetriedCall{TResult}"/>): the same function and arguments
    /// (every shape keeps them in its fields, copied as they are), with a future and a hand-over of its own. Made from a
    /// call not yet posted, so nothing else of it is set.
    /// </summary>
    public WorkItem<TResult> Renew()
    {
        var copy = (WorkItem<TResult>)MemberwiseClone();
        copy.future = new Future<TResult>(gate: copy);
        copy.ForgetWorker();
        copy.Control = null;
        copy.Encoded = null;
        copy.SentAt = 0;
        copy.MovedAsStalled = false;
        return copy;
    }

    public override Future Future => future;

    public Future<TResult> TypedFuture => future;

    public override Type ResultType => typeof(TResult);

    public override void SetResultObject(object? value) => future.TrySetResult((TResult)value!);

    protected abstract TResult Invoke();

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Whatever the call throws is its outcome.")]
    public sealed override void Run()
    {
        // Ended before the future settles, so the run span ends within the call span it belongs to.
        // A call without a trace, in a process nobody traces, has no run span: two checks, no context copied or compared.
        var run = future.CarriesTrace || ActorPoolTracing.Source.HasListeners()
            ? RunSpan.Start(future.TraceContext, future.Meter?.Kind ?? "thread", future.Meter?.Name, Function.Method)
            : default;
        TResult value;
        try
        {
            using (CallContext.Enter(this, flows: Control is not null || !RunsOnItsThreadOnly))
            {
                value = Invoke();
            }
        }
        catch (OperationCanceledException) when (Control is { Reason: not StopReason.None } control)
        {
            run.Stopped(control.Reason);
            SettleStopped(); // it stopped as asked
            return;
        }
        catch (Exception e)
        {
            run.Failed(e);
            future.TrySetException(e);
            return;
        }

        run.Succeeded();
        future.TrySetResult(value);
    }
}

/// <summary>
/// A call as a worker in another process takes it (its function described, its arguments serialized), made on the
/// submitting thread so that a call that cannot be sent fails at <c>Submit</c>. Opaque to everything but the wire format.
/// </summary>
internal abstract class EncodedCall;
