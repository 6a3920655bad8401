using ActorPool.Calls;
using ActorPool.Logging;
using ActorPool.Routing;
using ActorPool.Telemetry;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorPool;

/// <summary>
/// Runs calls asynchronously on a pool of worker actors fronted by one router actor. <c>Submit</c> returns a
/// <see cref="Future{T}"/> at once; <c>Map</c> runs a function over sequences; <see cref="Shutdown"/> (or
/// <c>using</c>) stops taking work and waits for what was submitted.
/// </summary>
/// <remarks>Python's <c>concurrent.futures.Executor</c>; <c>using</c> plays the part of its <c>with</c> block.</remarks>
public abstract partial class Executor : IDisposable, IAsyncDisposable
{
    private const string AfterShutdownMessage = "cannot schedule new futures after shutdown";

    private readonly object shutdownLock = new();
    private readonly PoolState pool = new();
    private readonly SettlingCalls settling = new();
    private CallOwner? owner;
    private WorkerPoolSpec spec = null!;
    private IActorRef router = ActorRefs.Nobody;
    private Task terminated = Task.CompletedTask;
    private bool shutdown;

    /// <param name="maxWorkers">Python's <c>max_workers</c>.</param>
    /// <param name="kind">The executor's <c>actorpool.executor.kind</c> in telemetry: <c>thread</c>, <c>process</c> or <c>cluster</c>.</param>
    /// <param name="policy">The executor's policies; null for <see cref="ExecutorPolicy.Default"/>.</param>
    private protected Executor(int maxWorkers, string kind, ExecutorPolicy? policy)
    {
        policy ??= ExecutorPolicy.Default;
        policy.Validate(kind);
        MaxWorkers = maxWorkers;
        Policy = policy;
        Meter = new ExecutorMeter(kind);
        retry = policy.Retry is { } options ? RetryRecipe.Build(options, policy.MaxWorkerDeathsPerCall, "policy.Retry") : null;
    }

    /// <summary>What the executor does with every call beyond running it (retries, limits); validated at construction.</summary>
    internal ExecutorPolicy Policy { get; }

    /// <summary>The executor's measurements in the <c>ActorPool</c> meter, and its name there.</summary>
    internal ExecutorMeter Meter { get; }

    /// <summary>What the futures of its calls know of it; made at the first call, once its logger is chosen.</summary>
    private CallOwner Owner => owner ??= new CallOwner(Meter, Log, settling);

    /// <summary>The factory the executor logs through: the one it was given, else its actor system's Akka logging.</summary>
    internal ILoggerFactory LoggerFactory { get; private set; } = NullLoggerFactory.Instance;

    /// <summary>The executor's logger, under its kind's category; its futures' callback failures go here too.</summary>
    internal ILogger Log { get; private set; } = NullLogger.Instance;

    /// <summary>
    /// Chooses where the executor logs, before its router starts: <paramref name="given"/>, else <paramref name="system"/>'s
    /// Akka logging (a user's system, or the one the executor made), so an executor never logs nowhere.
    /// </summary>
    private protected void UseLogging(ILoggerFactory? given, ActorSystem system, string category)
    {
        LoggerFactory = given ?? new AkkaLoggerFactory(system);
        Log = LoggerFactory.CreateLogger(category);
    }

    /// <summary>The number of workers that run calls at the same time (for a cluster pool without a cap, <see cref="int.MaxValue"/>: as many as its nodes offer).</summary>
    /// <remarks>Python's <c>max_workers</c>.</remarks>
    public int MaxWorkers { get; }

    /// <summary>
    /// Stops taking new calls. With <paramref name="cancelFutures"/>, cancels every call not yet started (their
    /// waiters are notified). With <paramref name="wait"/>, returns once every started or queued call has
    /// finished and the workers have stopped. Safe to call more than once.
    /// </summary>
    /// <remarks>
    /// Python's <c>Executor.shutdown(wait, cancel_futures)</c>. Waiting from one of this executor's own workers
    /// would wait forever, so it throws <see cref="InvalidOperationException"/> instead.
    /// </remarks>
    public void Shutdown(bool wait = true, bool cancelFutures = false)
    {
        RequestShutdown(cancelFutures);
        if (!wait)
        {
            return;
        }

        if (IsWorkerThread)
        {
            throw new InvalidOperationException(
                "Shutdown(wait: true) (or Dispose) was called from one of this executor's own workers, which would wait for itself forever. " +
                "Call Shutdown(wait: false) there, or shut the executor down from outside its calls.");
        }

        terminated.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Stops taking new calls and completes once every submitted call has finished and the workers have stopped.
    /// Canceling <paramref name="cancellationToken"/> stops the waiting (the task is canceled), not the shutdown.
    /// </summary>
    /// <remarks>The asynchronous form of Python's <c>Executor.shutdown(wait=True, cancel_futures)</c>.</remarks>
    public Task ShutdownAsync(bool cancelFutures = false, CancellationToken cancellationToken = default)
    {
        RequestShutdown(cancelFutures);
        return cancellationToken.CanBeCanceled ? terminated.WaitAsync(cancellationToken) : terminated;
    }

    /// <summary>Shuts down and waits, as <c>Shutdown(wait: true)</c>. Never throws for a call's failure.</summary>
    /// <remarks>Python's <c>with executor:</c> exit.</remarks>
    public void Dispose()
    {
        Shutdown(wait: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Shuts down and waits asynchronously, as <see cref="ShutdownAsync"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>True on a thread (or in an actor) that runs this executor's calls.</summary>
    private protected abstract bool IsWorkerThread { get; }

    /// <summary>Starts the router in <paramref name="system"/>; called once by each executor's constructor.</summary>
    private protected IActorRef StartRouter(ActorSystem system, WorkerPoolSpec workers, string name, string routerDispatcher)
    {
        spec = workers;
        var props = PoolRouter.Props(workers, pool);
        router = system.ActorOf(string.IsNullOrEmpty(routerDispatcher) ? props : props.WithDispatcher(routerDispatcher), name);
        Meter.Began(() => pool.Workers);
        terminated = FinishAsync();
        return router;
    }

    /// <summary>Releases what the executor holds besides its actors, once the router has stopped.</summary>
    private protected abstract Task ReleaseAsync();

    private async Task FinishAsync()
    {
        await pool.Stopped.Task.ConfigureAwait(false);
        await settling.WhenNone().ConfigureAwait(false); // futures still delivering their last progress value
        Meter.Ended();
        await ReleaseAsync().ConfigureAwait(false);
        ExecutorLog.ShutDown(Log, Meter.Name);
    }

    /// <summary>
    /// Readies a call for this executor's workers on the submitting thread; refuses, with an
    /// <see cref="ArgumentException"/>, a function they cannot run.
    /// </summary>
    private protected virtual void Prepare(WorkItem item)
    {
    }

    /// <summary>
    /// How long a call stopped by its token or timeout may take to end on its own before it is stopped by force, when its
    /// <see cref="CallOptions.GracePeriod"/> does not say: <c>actorpool.grace-period</c>, read by each executor.
    /// </summary>
    private protected TimeSpan DefaultGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Posts a call with its <paramref name="options"/>: one whose token is already canceled is canceled here, and never sent.</summary>
    private Future<TResult> Submit<TResult>(WorkItem<TResult> item, CallOptions? options)
    {
        if (options is null ? retry is not null : options.Retry is not null || retry is not null)
        {
            return SubmitRetried(item, options);
        }

        if ((item.Control = CallControl.For(options, DefaultGracePeriod)) is not { } control)
        {
            return Enqueue(item).TypedFuture;
        }

        // Watched before it is posted, so it cannot settle first and leave a registration nobody disposes; a token canceled
        // now cancels it here (it then never reaches a worker: the router drops a canceled call).
        control.Watch(item);
        try
        {
            Enqueue(item, post: !control.UserToken.IsCancellationRequested);
        }
        catch
        {
            control.Finished(); // refused (a function it cannot run, a shut-down or broken pool): stop watching
            throw;
        }

        return item.TypedFuture;
    }

    /// <summary>Posts a call's (only) attempt, or its first or <paramref name="resubmitted"/> attempt as <paramref name="retried"/>.</summary>
    private protected TItem Enqueue<TItem>(TItem item, bool post = true, RetriedCall? retried = null, bool resubmitted = false)
        where TItem : WorkItem
    {
        Prepare(item);
        // Its spans start here, outside the lock below: a listener's callbacks must not hold up every other submitter.
        var trace = CallTrace.Begin(Meter, item.Function);
        bool wakeRouter;
        // Under the lock, so no call can be posted after the router has been told to shut down.
        lock (shutdownLock)
        {
            if (pool.BrokenCause is { } cause)
            {
                throw Refused(trace, spec.Broken(cause));
            }

            if (shutdown && !resubmitted)
            {
                throw Refused(trace, new InvalidOperationException(AfterShutdownMessage)); // a retry of a call accepted before is taken
            }

            item.Future.StartMetering(Owner, shared: item.Control is not null, trace); // accepted: counted from here, however it settles
            if (retried is not null && !resubmitted)
            {
                Retrying(retried); // before the shutdown that must wait for it can look
            }

            if (!post)
            {
                return item; // its token is canceled already: Watch cancels it, and it never reaches a worker
            }

            wakeRouter = pool.Calls.Post(item);
        }

        if (pool.BrokenCause is { } broken)
        {
            if (pool.RouterStopped)
            {
                // A router that stopped under us (its actor system went down) may have failed the inbox before
                // this call landed in it: fail it here rather than leave it pending.
                item.Fail(spec.Broken(broken));
                return item;
            }

            wakeRouter = true; // the pool broke as this call was posted: the router fails it
        }

        if (wakeRouter)
        {
            router.Tell(CallsPosted.Instance, ActorRefs.NoSender);
        }

        return item;
    }

    private static Exception Refused(CallTrace? trace, Exception error)
    {
        trace?.Refused(error);
        return error;
    }

    /// <summary>Shuts down with its pending calls canceled, then tells every worker <paramref name="message"/> (a signal to its process).</summary>
    private protected void ShutdownAndTellWorkers(object message)
    {
        RequestShutdown(cancelFutures: true);
        router.Tell(message, ActorRefs.NoSender); // after the shutdown: no worker lost now is replaced, nothing queued runs
    }

    private void RequestShutdown(bool cancelFutures)
    {
        lock (shutdownLock)
        {
            if (!shutdown || cancelFutures)
            {
                if (cancelFutures)
                {
                    CancelRetrying();
                }

                shutdown = true;
                router.Tell(new ShutdownPool(cancelFutures), ActorRefs.NoSender);
            }
        }
    }
}
