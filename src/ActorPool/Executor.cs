using System.Runtime.CompilerServices;
using ActorPool.Calls;
using ActorPool.Logging;
using ActorPool.Routing;
using ActorPool.Telemetry;
using ActorPool.Threads;
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
    internal const string AfterShutdownMessage = "cannot schedule new futures after shutdown";

    private readonly object shutdownLock = new();
    private readonly PoolState pool = new();
    private readonly SettlingCalls settling = new();
    private CallOwner? owner;
    private WorkerPoolSpec spec = null!;
    private IActorRef router = ActorRefs.Nobody;
    private Task terminated = Task.CompletedTask;
    private bool shutdown;
    private readonly QueueLimit? queueLimit;

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
        queueLimit = policy.MaxQueuedCalls is { } max ? new QueueLimit(max, policy.WhenFull) : null;
        retry = policy.Retry is { } options ? RetryRecipe.Build(options, policy.MaxWorkerDeathsPerCall, "policy.Retry") : null;
    }

    /// <summary>What the executor does with every call beyond running it (retries, limits); validated at construction.</summary>
    internal ExecutorPolicy Policy { get; }

    /// <summary>The executor's measurements in the <c>ActorPool</c> meter, and its name there.</summary>
    internal ExecutorMeter Meter { get; }

    /// <summary>What the futures of its calls know of it; made at the first call, once its logger is chosen.</summary>
    private CallOwner Owner => owner ??= new CallOwner(Meter, Log, settling, queueLimit);

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
        // What the router and its workers start now (on the calling-thread dispatcher, inline) and the shutdown's
        // continuation outlive the caller: made without its context (see WithoutCallerContext).
        router = WithoutCallerContext.Make(() => system.ActorOf(string.IsNullOrEmpty(routerDispatcher) ? props : props.WithDispatcher(routerDispatcher), name));
        Meter.Began(() => pool.Workers);
        terminated = WithoutCallerContext.Make(FinishAsync);
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

    /// <summary>
    /// Posts a call with its <paramref name="options"/>: one whose token is already canceled is canceled here, and never sent.
    /// With <paramref name="room"/> <see cref="Room.Taken"/>, the caller has taken room for it in the queue limit already.
    /// </summary>
    private Future<TResult> Submit<TResult>(WorkItem<TResult> item, CallOptions? options, Room room = Room.Wait)
    {
        if (options is null ? retry is not null : options.Retry is not null || retry is not null)
        {
            return SubmitRetried(item, options, room);
        }

        PostCall(item, options, room);
        return item.TypedFuture;
    }

    /// <summary>
    /// Posts a call, or one attempt of a <paramref name="retried"/> call, with its <paramref name="options"/>: its priority,
    /// and its token and timeout, watched before it is posted so it cannot settle first and leave a registration nobody
    /// disposes; a token canceled now cancels it here (it then never reaches a worker: the router drops a canceled call).
    /// </summary>
    private void PostCall(WorkItem item, CallOptions? options, Room room, RetriedCall? retried = null, bool resubmitted = false)
    {
        if (options is { Priority: not 0 })
        {
            Prioritize(item, options.Priority);
        }

        if ((item.Control = CallControl.For(options, DefaultGracePeriod)) is not { } control)
        {
            Enqueue(item, room: room, retried: retried, resubmitted: resubmitted);
            return;
        }

        control.Watch(item);
        try
        {
            Enqueue(item, post: !control.UserToken.IsCancellationRequested, room, retried, resubmitted);
        }
        catch
        {
            control.Finished(); // refused (a function it cannot run, a shut-down or broken pool, a full queue): stop watching
            throw;
        }
    }

    /// <summary>Gives the call its priority, and tells the router, before the call is posted, that its queue is to be ordered.</summary>
    private void Prioritize(WorkItem item, int priority)
    {
        item.Priority = priority;
        pool.MarkPrioritized();
    }

    /// <summary>How a submit gets room in a bounded queue (<see cref="ExecutorPolicy.MaxQueuedCalls"/>).</summary>
    private protected enum Room
    {
        /// <summary>As <see cref="ExecutorPolicy.WhenFull"/> says: waits for room, or throws <see cref="QueueFullException"/>.</summary>
        Wait,

        /// <summary>The caller took room already (<c>TrySubmit</c>, <c>MapAsync</c>): nothing to wait for.</summary>
        Taken,
    }

    /// <summary>
    /// Posts a call's (only) attempt, or its first or <paramref name="resubmitted"/> attempt as <paramref name="retried"/>. A
    /// later attempt never waits for room: its call was accepted already, and it is posted from a timer.
    /// </summary>
    private protected TItem Enqueue<TItem>(TItem item, bool post = true, Room room = Room.Wait, RetriedCall? retried = null, bool resubmitted = false)
        where TItem : WorkItem
    {
        if (queueLimit is not { } limit)
        {
            Prepare(item);
            var noRoom = false;
            return Accept(item, post, ref noRoom, retried, resubmitted);
        }

        var holdsRoom = room == Room.Taken;
        try
        {
            Prepare(item); // a function the workers cannot run is refused before its submitter waits for room
            if (post && !holdsRoom && !resubmitted)
            {
                // Outside the lock below, and before the call's spans start: a submitter waiting for room holds up no one.
                // A token canceled meanwhile cancels the call instead (it then needs no room).
                holdsRoom = limit.Take(item.Control?.UserToken ?? CancellationToken.None);
                post = holdsRoom;
            }

            return Accept(item, post, ref holdsRoom, retried, resubmitted);
        }
        finally
        {
            if (holdsRoom)
            {
                limit.Release(); // refused, or settled by its token before it was queued: the room goes back
            }
        }
    }

    /// <summary>
    /// Accepts and posts a call (see <see cref="Enqueue"/>). <paramref name="holdsRoom"/> is cleared once a queued call holds
    /// the submitter's room (its future gives it back); a call counted as queued without room takes some regardless of the limit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the path of every call: no extra frame for executors without a limit
    private TItem Accept<TItem>(TItem item, bool post, ref bool holdsRoom, RetriedCall? retried, bool resubmitted)
        where TItem : WorkItem
    {
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

            // accepted: counted from here, however it settles
            if (item.Future.StartMetering(Owner, shared: item.Control is not null, trace) && queueLimit is { } limit)
            {
                if (!holdsRoom)
                {
                    limit.Force(); // canceled as it was submitted and queued before its token's callback got to it, or a retry
                }

                holdsRoom = false;
            }

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
                queueLimit?.Close(); // submitters waiting for room throw, as any Submit after this
                router.Tell(new ShutdownPool(cancelFutures), ActorRefs.NoSender);
            }
        }
    }
}
