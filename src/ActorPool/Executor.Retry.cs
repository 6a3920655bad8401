using ActorPool.Calls;
using ActorPool.Routing;
using ActorPool.Telemetry;
using Akka.Actor;

namespace ActorPool;

// Calls with a retry policy (ExecutorPolicy.Retry, CallOptions.Retry): each is a RetriedCall, which posts its attempts
// through Enqueue like any call. The executor keeps the calls whose retrying is not over, so that Shutdown waits for them
// (its router does not stop while one may post another attempt) or, with cancelFutures, cancels them. A call without a
// retry policy never comes here.
public abstract partial class Executor : IRetryHost
{
    private readonly RetryRecipe? retry; // the executor's policy, built once at construction
    private readonly HashSet<RetriedCall> retrying = []; // under shutdownLock

    /// <summary>Posts a call of <c>Map</c>: retried as the executor's policy says, if it has one.</summary>
    private Future<TResult> Post<TResult>(WorkItem<TResult> item) =>
        retry is null ? Enqueue(item).TypedFuture : new RetriedCall<TResult>(this, item, null, retry).Start();

    /// <summary>
    /// Submits a call with a retry policy: its own (<see cref="CallOptions.Retry"/>), else the executor's. With
    /// <paramref name="room"/> <see cref="Room.Taken"/>, the caller took room for the first attempt already (<c>TrySubmit</c>).
    /// </summary>
    private Future<TResult> SubmitRetried<TResult>(WorkItem<TResult> item, CallOptions? options, Room room)
    {
        RetryRecipe recipe;
        try
        {
            recipe = options?.Retry is { } own ? RetryRecipe.Build(own, Policy.MaxWorkerDeathsPerCall, "options.Retry") : retry!;
            options?.Validate(); // here, not only at the first attempt's post: a bad option throws before anything is made
        }
        catch when (room == Room.Taken)
        {
            queueLimit!.Release(); // refused before its first attempt could hold the room its caller took
            throw;
        }

        return new RetriedCall<TResult>(this, item, options, recipe) { FirstAttemptHoldsRoom = room == Room.Taken }.Start();
    }

    /// <summary>Registers a call whose first attempt is being accepted; the caller holds the shutdown lock.</summary>
    private void Retrying(RetriedCall call)
    {
        retrying.Add(call);
        pool.RetryingStarted();
    }

    /// <summary>For <c>Shutdown(cancelFutures: true)</c>: cancels every call waiting for a retry, or whose attempt is queued.</summary>
    private void CancelRetrying()
    {
        foreach (var call in retrying.ToArray())
        {
            call.CancelForShutdown();
        }
    }

    ExecutorMeter IRetryHost.Meter => Meter;

    bool IRetryHost.IsBroken => pool.IsBroken || pool.RouterStopped;

    string? IRetryHost.NodeOf(Exception death) => spec.NodeOf(death);

    void IRetryHost.PostAttempt(RetriedCall call, WorkItem attempt, CallOptions? options, bool first) =>
        PostCall(attempt, options, first && call.FirstAttemptHoldsRoom ? Room.Taken : Room.Wait, call, resubmitted: !first);

    void IRetryHost.RetryEnded(RetriedCall call)
    {
        bool shuttingDown;
        lock (shutdownLock)
        {
            if (!retrying.Remove(call))
            {
                return; // its first attempt was refused: it was never registered
            }

            shuttingDown = shutdown;
        }

        pool.RetryingEnded();
        if (shuttingDown)
        {
            router.Tell(CallsPosted.Instance, ActorRefs.NoSender); // the router may have been waiting only for this call to stop
        }
    }
}
