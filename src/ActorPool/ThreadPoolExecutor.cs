using ActorPool.Configuration;
using ActorPool.Logging;
using ActorPool.Routing;
using ActorPool.Threads;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Extensions.Logging;

namespace ActorPool;

/// <summary>
/// An <see cref="Executor"/> whose worker actors run calls in this process, on exactly <see cref="Executor.MaxWorkers"/>
/// dedicated threads named <c>{threadNamePrefix}_{i}</c>, so blocking calls never hold up Akka's or .NET's shared threads.
/// </summary>
/// <remarks>Python's <c>concurrent.futures.ThreadPoolExecutor</c>.</remarks>
public sealed class ThreadPoolExecutor : Executor
{
    private static int counter;

    private readonly ActorSystem system;
    private readonly bool ownsSystem;
    private readonly NamedThreadPool threads;

    /// <summary>Starts the pool: its threads (each running <paramref name="initializer"/> first), its workers and its router.</summary>
    /// <param name="maxWorkers">Threads, and so calls running at once; null takes <c>actorpool.thread-pool.max-workers</c>,
    /// whose default is <c>Math.Min(32, Environment.ProcessorCount + 4)</c>.</param>
    /// <param name="threadNamePrefix">Thread names are <c>{prefix}_{i}</c>; "" takes <c>actorpool.thread-pool.thread-name-prefix</c>,
    /// whose default "" means <c>ThreadPoolExecutor-{n}</c>.</param>
    /// <param name="initializer">Runs once on each worker thread before its first call; if it throws, the pool is broken
    /// (<see cref="BrokenThreadPoolException"/>).</param>
    /// <param name="system">The actor system to run the router and workers in (left running on <c>Dispose</c>); null makes a private one.</param>
    /// <param name="loggerFactory">Where the executor logs (category <c>ActorPool.ThreadPool</c>), and, in the actor system it makes
    /// for itself, Akka's own warnings and errors; null logs through the actor system's Akka logging (docs/telemetry.md, "Logging").</param>
    /// <param name="policy">What the executor does with every call beyond running it (<see cref="ExecutorPolicy"/>); null for Python's behavior.</param>
    /// <remarks>Python's <c>ThreadPoolExecutor(max_workers, thread_name_prefix, initializer)</c>.</remarks>
    public ThreadPoolExecutor(int? maxWorkers = null, string threadNamePrefix = "", Action? initializer = null, ActorSystem? system = null, ILoggerFactory? loggerFactory = null, ExecutorPolicy? policy = null)
        : base(WorkerCount.Validate(maxWorkers ?? DefaultMaxWorkers(system)), "thread", policy)
    {
        ArgumentNullException.ThrowIfNull(threadNamePrefix);
        var n = Interlocked.Increment(ref counter);
        ownsSystem = system is null;
        this.system = system ?? LoggerFactorySetup.CreateSystem($"actorpool-threads-{n}", ActorPoolConfig.OwnedSystemConfig, loggerFactory);
        UseLogging(loggerFactory, this.system, LogCategories.ThreadPool);

        var config = ActorPoolConfig.For(this.system);
        var settings = ThreadPoolSettings.From(config);
        DefaultGracePeriod = ActorPoolConfig.GracePeriod(config);
        var prefix = threadNamePrefix.Length > 0 ? threadNamePrefix
            : settings.NamePrefix.Length > 0 ? settings.NamePrefix
            : $"ThreadPoolExecutor-{n}";
        var dispatcherId = $"actorpool.thread-pool.dispatcher-{n}";
        threads = new NamedThreadPool(dispatcherId, prefix, MaxWorkers, initializer);
        var dispatcherConfig = ConfigurationFactory
            .ParseString($"id = \"{dispatcherId}\"\nthroughput = {settings.Throughput}\nshutdown-timeout = {settings.ShutdownTimeout.TotalMilliseconds}ms")
            .WithFallback(this.system.Dispatchers.DefaultDispatcherConfig);
        this.system.Dispatchers.RegisterConfigurator(dispatcherId,
            new NamedThreadDispatcherConfigurator(dispatcherConfig, this.system.Dispatchers.Prerequisites, threads));

        var router = StartRouter(this.system, new Spec(MaxWorkers, settings.Prefetch, dispatcherId, threads.CallThreads, Log), $"actorpool-thread-pool-{n}", settings.RouterDispatcher);
        threads.Start(cause =>
        {
            ThreadPoolLog.InitializerFailed(Log, cause, Meter.Name);
            router.Tell(new InitializerFailed(cause), ActorRefs.NoSender);
        });
    }

    /// <summary>
    /// Threads abandoned to a call that did not stop within its grace period after its token was canceled or its timeout
    /// ran out, and that still run it. Such a call's future is settled and its result will be discarded; each one
    /// was logged as a warning naming the call's method. Nothing can stop a .NET thread: use a process pool for calls that may hang.
    /// </summary>
    /// <remarks>Beyond Python.</remarks>
    public int AbandonedThreads => threads.CallThreads.Abandoned;

    private protected override bool IsWorkerThread => threads.IsCurrentThread;

    private protected override async Task ReleaseAsync()
    {
        threads.Stop(join: true);
        if (ownsSystem)
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }

    private static int DefaultMaxWorkers(ActorSystem? system)
    {
        var configured = system is null ? 0 : ThreadPoolSettings.From(ActorPoolConfig.For(system)).MaxWorkers;
        return configured > 0 ? configured : Math.Min(32, Environment.ProcessorCount + 4);
    }

    private sealed class Spec(int workers, int prefetch, string dispatcherId, CallThreads callThreads, ILogger log) : WorkerPoolSpec
    {
        public override int WorkerCount => workers;

        public override int Prefetch => prefetch;

        public override Props WorkerProps(int index) => Props.Create(() => new ThreadWorker(this, callThreads, log)).WithDispatcher(dispatcherId);

        // A thread worker marks each call running itself, as it starts it, so calls sent ahead stay cancelable.
        public override HandOverMode HandOverMode => HandOverMode.ClaimedInBatches;

        protected override string InitializerFailedMessage => BrokenThreadPoolException.InitializerFailedMessage;

        protected override Exception BrokenError(string message, Exception? cause) => new BrokenThreadPoolException(message, cause);

        public override Exception WorkerLost(IActorRef worker, Exception? cause) =>
            new BrokenThreadPoolException($"Worker actor {worker.Path.Name} failed while holding this call: {cause?.Message ?? "it stopped"}", cause);
    }
}
