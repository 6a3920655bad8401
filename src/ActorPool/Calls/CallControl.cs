using Akka.Actor;

namespace ActorPool.Calls;

/*
 * How a call submitted with CallOptions is stopped; calls without a token or a timeout have none, and cost nothing for it.
 *
 *   the user's token ──canceled──► pending?  Future.Cancel(), exactly as Cancel() (the call never runs)
 *                                  running?  RequestStop(Canceled) ─┐
 *   the timeout (from the start) ──runs out──► RequestStop(TimedOut) ─┴─► the call's own token canceled: in this
 *                                          process directly; a remote worker is told (StopCall to its proxy)
 *
 * The first reason wins. The call then ends on its own (its outcome settles the future; an OperationCanceledException
 * makes it canceled, or a TimeoutException after a timeout), or, once GracePeriod has passed, it is stopped by force
 * by whoever runs it: a thread is abandoned, a worker process killed.
 */
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The source has no timer and no wait handle unless asked for one; nothing asks, so it holds nothing to dispose.")]
internal sealed class CallControl
{
    private readonly CancellationTokenSource source = new();
    private CancellationTokenRegistration registration;
    private bool finished;
    private ITimer? timer;
    private IActorRef? runner;
    private int reason;

    public CallControl(TimeSpan? timeout, TimeSpan grace, CancellationToken token)
    {
        UserToken = token;
        Timeout = timeout;
        Grace = grace;
    }

    /// <summary>The token the user passed in <see cref="CallOptions.CancellationToken"/>.</summary>
    public CancellationToken UserToken { get; }

    /// <summary>The longest the call may run, from its start; null for no limit.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>From the stop request to the forced stop.</summary>
    public TimeSpan Grace { get; }

    /// <summary>The call's own token, which it sees as its parameter and as <see cref="CallContext.CancellationToken"/> in this process.</summary>
    public CancellationToken Token => source.Token;

    /// <summary>Why the call is being stopped, once it is.</summary>
    public StopReason Reason => (StopReason)Volatile.Read(ref reason);

    /// <summary>Why the call is being stopped, for a log line.</summary>
    public string StopCause => Reason == StopReason.TimedOut ? "its timeout ran out" : "its token was canceled";

    /// <summary>
    /// The actor that holds the call in another process's name (a worker process's or a node's proxy), told to stop it;
    /// set before the call can start, so a stop request that finds the call running always finds its runner.
    /// </summary>
    public IActorRef? Runner
    {
        get => Volatile.Read(ref runner);
        set => Volatile.Write(ref runner, value);
    }

    /// <summary>Makes the control for <paramref name="options"/>, or null when nothing can stop the call (no token, no timeout).</summary>
    public static CallControl? For(CallOptions? options, TimeSpan defaultGrace)
    {
        if (options is null)
        {
            return null;
        }

        options.Validate();
        return options.CancellationToken.CanBeCanceled || options.Timeout is not null
            ? new CallControl(options.Timeout, options.GracePeriod ?? defaultGrace, options.CancellationToken)
            : null;
    }

    /// <summary>Watches the user's token for <paramref name="item"/>, before the call is posted (a token already canceled calls back at once).</summary>
    public void Watch(WorkItem item)
    {
        if (!UserToken.CanBeCanceled)
        {
            return;
        }

        var watching = UserToken.UnsafeRegister(static state => ((WorkItem)state!).TokenCanceled(), item);
        lock (source)
        {
            if (!finished)
            {
                registration = watching;
                return;
            }
        }

        watching.Dispose(); // the call settled meanwhile (its token's own callback canceled it): nothing to watch
    }

    /// <summary>In this process, as the call starts running: counts its timeout from now.</summary>
    public void StartClock()
    {
        if (Timeout is { } limit)
        {
            timer = TimeProvider.System.CreateTimer(static state => ((CallControl)state!).RequestStop(StopReason.TimedOut), this, limit, System.Threading.Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Asks the running call to stop for <paramref name="why"/>: cancels its own token in this process. True if this request
    /// is the first; the caller then tells the <see cref="Runner"/>, if the call runs in another process.
    /// </summary>
    public bool RequestStop(StopReason why)
    {
        if (Interlocked.CompareExchange(ref reason, (int)why, (int)StopReason.None) != (int)StopReason.None)
        {
            return false;
        }

        try
        {
            source.Cancel();
        }
        catch (AggregateException)
        {
            // A callback the call registered on its own token threw: the call sees the stop all the same.
        }

        return true;
    }

    /// <summary>The error of a call stopped by its timeout.</summary>
    public TimeoutException TimeoutError() =>
        new($"The call ran past its timeout of {Timeout} (CallOptions.Timeout, counted from when it started running) and was stopped.");

    /// <summary>The call has settled: stops watching the user's token and the clock.</summary>
    public void Finished()
    {
        CancellationTokenRegistration watching;
        lock (source)
        {
            finished = true;
            watching = registration;
            registration = default;
        }

        watching.Dispose();
        timer?.Dispose();
    }
}

/// <summary>Why a running call is being stopped.</summary>
internal enum StopReason
{
    /// <summary>Not being stopped.</summary>
    None,

    /// <summary>Its <see cref="CallOptions.CancellationToken"/> was canceled.</summary>
    Canceled,

    /// <summary>Its <see cref="CallOptions.Timeout"/> ran out.</summary>
    TimedOut,
}

/// <summary>To the actor that runs <paramref name="Item"/> in another process's name: its token was canceled while it runs.</summary>
internal sealed record StopCall(WorkItem Item) : INoSerializationVerificationNeeded;
