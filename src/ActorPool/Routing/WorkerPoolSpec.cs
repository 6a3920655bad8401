using Akka.Actor;

namespace ActorPool.Routing;

/// <summary>What differs between pools behind the one router: how workers are made, and the errors they fail with.</summary>
internal abstract class WorkerPoolSpec
{
    public abstract int WorkerCount { get; }

    /// <summary>Calls a worker may hold beyond the one it runs (sent ahead).</summary>
    public abstract int Prefetch { get; }

    /// <summary>How the workers take calls: whether those sent ahead stay cancelable, come in batches, are watched for stalls.</summary>
    public abstract HandOverMode HandOverMode { get; }

    public abstract Props WorkerProps(int index);

    /// <summary>Whether a worker that throws from our code is restarted (it keeps its mailbox, and fails only the call it ran) or stopped.</summary>
    public virtual bool RestartsFailedWorkers => true;

    /// <summary>Whether a worker that stops is replaced by a fresh one (false where workers arrive with <see cref="AddWorker"/>).</summary>
    public virtual bool ReplacesLostWorkers => true;

    /// <summary>
    /// For a pool whose workers come from outside (a cluster's nodes): how long a shutdown with calls queued waits for a
    /// worker to run them when it has none, before it fails them; null waits as long as it takes (a pool that starts its own).
    /// </summary>
    public virtual TimeSpan? WorkerlessShutdownGrace => null;

    /// <summary>Called once the router has started its <see cref="WorkerCount"/> workers, in its context (to start helpers as its children).</summary>
    public virtual void Started(IActorContext router)
    {
    }

    /// <summary>
    /// Whether a new worker can take a call at once. When false, the router holds calls back from it until it
    /// first sends <see cref="WorkerIdle"/> (a process worker, once its process has booted and registered), so a
    /// call goes to whichever worker is ready first instead of waiting on one still starting.
    /// </summary>
    public virtual bool WorkersStartReady => true;

    /// <summary>The error for a future the broken pool will never run (one instance per future).</summary>
    public Exception Broken(Exception? cause)
    {
        var error = BrokenError(cause is BrokenExecutorException stopped ? stopped.Message : InitializerFailedMessage, cause);
        (error as BrokenExecutorException)?.MarkPoolBroken();
        return error;
    }

    /// <summary>Python's message for a pool whose initializer failed.</summary>
    protected abstract string InitializerFailedMessage { get; }

    /// <summary>This pool's <see cref="BrokenExecutorException"/> subclass.</summary>
    protected abstract Exception BrokenError(string message, Exception? cause);

    /// <summary>The error for a future whose worker was lost while holding it.</summary>
    public abstract Exception WorkerLost(IActorRef worker, Exception? cause);

    /// <summary>The node a call's worker died on, for a <see cref="PoisonCallException"/>; null where workers are not on nodes.</summary>
    public virtual string? NodeOf(Exception death) => null;
}
