using Polly;
using Polly.Retry;

namespace ActorPool.Calls;

/*
 * A call submitted with a retry policy. Its user holds one future, of this object's making; each attempt is a fresh
 * copy of the call (its own WorkItem, future and ticket) posted to the router like any call, and awaited here, off every
 * worker. Polly's retry strategy decides, between attempts, whether and when to post the next one (its delay is a timer).
 *
 *   Submit ──► first attempt posted ──► settles ──► Polly: ShouldHandle? ──no──► the user's future settles with it
 *                     ▲                                    │ yes: OnRetry, delay (a timer)
 *                     └────────── next attempt posted ◄────┘
 *
 * The user's future stays pending throughout (running while an attempt runs). Cancel() cancels a pending attempt, or the
 * delay, and is refused while an attempt runs, as for any running call; the call's token stops a running attempt too.
 * A worker's death is counted whatever the policy says: at ExecutorPolicy.MaxWorkerDeathsPerCall the call fails as a
 * PoisonCallException. Its final exception carries the attempt count in Exception.Data.
 */
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Its source has no timer and no wait handle; nothing to dispose.")]
internal abstract class RetriedCall : Future.IStartGate
{
    private readonly IRetryHost host;
    private readonly RetryRecipe recipe;
    private readonly CancellationTokenSource stop = new(); // no timer, no wait handle: nothing to dispose
    private CancellationTokenRegistration watchingToken;
    private WorkItem? current;
    private List<Exception>? deaths;
    private Exception? callbackError;
    private volatile bool canceledByShutdown;
    private volatile bool retryRefusedByShutdown;
    private int attempts;

    protected RetriedCall(IRetryHost host, RetryRecipe recipe, CallOptions? options)
    {
        this.host = host;
        this.recipe = recipe;
        Options = options;
    }

    /// <summary>The future the user holds.</summary>
    public abstract Future Future { get; }

    /// <summary>The options the call was submitted with, each attempt's controls (token, timeout) made from them; null for none.</summary>
    protected CallOptions? Options { get; }

    protected RetryRecipe Recipe => recipe;

    /// <summary>Its submitter took room in the executor's queue limit for the first attempt (<c>TrySubmit</c>): that attempt holds it.</summary>
    public bool FirstAttemptHoldsRoom { get; init; }

    protected CancellationToken StopToken => stop.Token;

    /// <summary>True once the user's predicate or <c>OnRetry</c> threw: the call fails with that, whatever its last attempt did.</summary>
    protected bool CallbackFailed => callbackError is not null;

    /// <summary>Posts <paramref name="attempt"/> as the current one; throws as <c>Submit</c> does (for a later attempt, that is its outcome).</summary>
    protected void Post(WorkItem attempt, bool first)
    {
        Interlocked.Exchange(ref current, attempt); // before the check below, against Cancel's check of it (TryPreventStart)
        if (!first && stop.IsCancellationRequested)
        {
            throw new AttemptCanceledException();
        }

        attempts++;
        host.PostAttempt(this, attempt, Options, first);
        if (first && Options?.CancellationToken is { CanBeCanceled: true } token)
        {
            // Each attempt's own control stops it while it runs; this stops the retrying between attempts.
            watchingToken = token.UnsafeRegister(static state => ((RetriedCall)state!).Future.Cancel(), this);
        }
    }

    /// <summary>Waits, off every worker, for <paramref name="attempt"/> to settle; its outcome is Polly's to judge.</summary>
    protected async ValueTask<TResult> AwaitAsync<TResult>(WorkItem<TResult> attempt)
    {
        try
        {
            return await attempt.TypedFuture.Task.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (attempt.Future.IsCanceled)
        {
            throw new AttemptCanceledException();
        }
        catch (Exception e) when (CallRetries.IsWorkerDeath(e) && !host.IsBroken && CountDeath(e) is { } poison)
        {
            throw poison;
        }
    }

    /// <summary>Settles the user's future from the pipeline's outcome (<paramref name="error"/> null for a result, already set).</summary>
    protected void Ended(Exception? error)
    {
        if (callbackError is { } thrown)
        {
            Fail(thrown); // the predicate or OnRetry threw: that is the call's failure, never the pool's
        }
        else if (retryRefusedByShutdown || error is AttemptCanceledException || (error is OperationCanceledException && stop.IsCancellationRequested))
        {
            Future.TryCancelStopped();
        }
        else if (error is not null)
        {
            Fail(error);
        }

        Future.TryMarkRunning(); // notifies the waiters of a future canceled by Cancel(); nothing for a settled one
        watchingToken.Dispose();
        host.RetryEnded(this);
    }

    private void Fail(Exception error)
    {
        error.Data[CallRetries.AttemptsKey] = attempts;
        Future.TrySetException(error);
    }

    /// <summary>Polly's <c>ShouldHandle</c>: never for a canceled, stopped or poison call or a broken pool; else the user's predicate.</summary>
    public async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<object> args, Func<RetryPredicateArguments<object>, ValueTask<bool>> user)
    {
        if (args.Outcome.Exception is AttemptCanceledException or PoisonCallException or BrokenExecutorException { IsPoolBroken: true }
            || host.IsBroken || (stop.IsCancellationRequested && !canceledByShutdown))
        {
            return false;
        }

        bool retry;
        try
        {
            retry = await user(args).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // whatever the user's predicate throws fails its call
        catch (Exception e)
#pragma warning restore CA1031
        {
            callbackError ??= e;
            return false;
        }

        if (retry && stop.IsCancellationRequested)
        {
            retryRefusedByShutdown = canceledByShutdown; // it would have waited for a retry: Shutdown(cancelFutures) cancels it
            return false;
        }

        return retry;
    }

    /// <summary>Polly's <c>OnRetry</c>: counts the retry, then the user's callback, whose exception fails the call.</summary>
    public async ValueTask OnRetryAsync(OnRetryArguments<object> args, Func<OnRetryArguments<object>, ValueTask>? user)
    {
        host.Meter.Retried(args.Outcome.Exception is { } e && CallRetries.IsWorkerDeath(e));
        if (user is null)
        {
            return;
        }

        try
        {
            await user(args).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // whatever the user's callback throws fails its call
        catch (Exception thrown)
#pragma warning restore CA1031
        {
            callbackError ??= thrown;
            StopRetrying();
        }
    }

    /// <summary>For <c>Shutdown(cancelFutures: true)</c>: cancels the call unless an attempt runs, and any retry it would wait for.</summary>
    public void CancelForShutdown()
    {
        canceledByShutdown = true;
        StopRetrying();
        Future.Cancel(deferCallbacks: true); // its callbacks are not to run under the executor's shutdown lock
    }

    // Asynchronously: Cancel() calls this with the future's lock held, and Polly's delay may continue on the canceling thread.
    private void StopRetrying() => _ = stop.CancelAsync();

    private PoisonCallException? CountDeath(Exception death)
    {
        (deaths ??= []).Add(death);
        if (deaths.Count < recipe.MaxWorkerDeaths)
        {
            return null;
        }

        var exitCodes = deaths.OfType<BrokenProcessPoolException>().Select(d => d.ExitCode).OfType<int>().ToArray();
        var nodes = deaths.Select(host.NodeOf).OfType<string>().ToArray();
        var named = exitCodes.Length > 0 ? $" (exit codes {string.Join(", ", exitCodes)})"
            : nodes.Length > 0 ? $" (on nodes {string.Join(", ", nodes)})"
            : "";
        return new PoisonCallException(
            $"The call was failed as a poison call: its worker died under it {deaths.Count} times{named}, so it is taken to be what " +
            $"kills them (ExecutorPolicy.MaxWorkerDeathsPerCall is {recipe.MaxWorkerDeaths}). The pool goes on; fix the call, or raise that limit.",
            deaths.ToArray(), exitCodes, nodes);
    }

    // The user's future's gate: every member is called with its lock held (see Future.IStartGate).
    bool Future.IStartGate.HasStarted => Volatile.Read(ref current) is { } attempt && attempt.Future.IsRunning;

    long Future.IStartGate.WorkerStartedAt => 0;

    bool Future.IStartGate.TryPreventStart()
    {
        var attempt = Volatile.Read(ref current);
        if (attempt is not null && !attempt.Future.Cancel(deferCallbacks: true) && !attempt.Future.IsDone)
        {
            return false; // an attempt runs: refused, as for any running call
        }

        StopRetrying();
        if (Interlocked.CompareExchange(ref current, null, null) is { } posted && posted != attempt)
        {
            posted.Future.Cancel(deferCallbacks: true); // posted as this ran: it must not run either
        }

        return true;
    }

    void Future.IStartGate.Running()
    {
    }

    void Future.IStartGate.Failed()
    {
    }

    void Future.IStartGate.Settled()
    {
    }

    /// <summary>An attempt canceled (by its user, its token or a shutdown) or not posted because the call was: ends the retrying.</summary>
    private sealed class AttemptCanceledException : OperationCanceledException;
}

/// <summary>A <see cref="RetriedCall"/> whose call returns a <typeparamref name="TResult"/>.</summary>
internal sealed class RetriedCall<TResult> : RetriedCall
{
    private readonly Future<TResult> future;
    private readonly WorkItem<TResult> template;
    private WorkItem<TResult>? first;

    public RetriedCall(IRetryHost host, WorkItem<TResult> item, CallOptions? options, RetryRecipe recipe)
        : base(host, recipe, options)
    {
        template = item.Renew(); // before the item is posted: a pristine copy for the later attempts
        first = item;
        future = new Future<TResult>(gate: this);
    }

    public override Future Future => future;

    /// <summary>Posts the first attempt (throwing as <c>Submit</c> does) and starts the retrying; returns the user's future.</summary>
    public Future<TResult> Start()
    {
        Post(first!, first: true);
        _ = RunAsync();
        return future;
    }

    /// <summary>One attempt, for Polly: the first is already posted; each later one is a fresh copy of the call.</summary>
    public ValueTask<TResult> NextAttemptAsync(CancellationToken cancellationToken)
    {
        var attempt = first;
        if (attempt is null)
        {
            attempt = template.Renew();
            Post(attempt, first: false);
        }

        first = null;
        return AwaitAsync(attempt);
    }

#pragma warning disable CA1031 // every outcome, whatever it is, settles the user's future
    private async Task RunAsync()
    {
        try
        {
            var value = await Recipe.RunAsync(this, StopToken).ConfigureAwait(false);
            if (!CallbackFailed)
            {
                future.TrySetResult(value);
            }

            Ended(null);
        }
        catch (Exception e)
        {
            Ended(e);
        }
    }
#pragma warning restore CA1031
}
