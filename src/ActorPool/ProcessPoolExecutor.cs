using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using ActorPool.Calls;
using ActorPool.Configuration;
using ActorPool.Logging;
using ActorPool.ProcessPool;
using ActorPool.Routing;
using ActorPool.Wire;
using Akka.Actor;
using Akka.Remote;
using Microsoft.Extensions.Logging;

namespace ActorPool;

/// <summary>
/// An <see cref="Executor"/> whose workers are child processes reached over Akka.Remote on 127.0.0.1, for
/// CPU-bound or isolated work. A call must be a static method or a lambda that captures nothing; its arguments
/// and result travel as JSON (System.Text.Json) of their declared types. A worker that dies fails only the call it
/// had started (those it held unstarted run on another worker) and is replaced; no worker outlives this process.
/// </summary>
/// <remarks>Python's <c>concurrent.futures.ProcessPoolExecutor</c>.</remarks>
public sealed class ProcessPoolExecutor : Executor
{
    private static int counter;

    private readonly ActorSystem system;
    private readonly bool ownsSystem;
    private readonly ConcurrentQueue<Process> prestarted;
    private readonly WorkerLauncher launcher;
    private readonly int spareWorkers;
    private readonly long maxPayload;
    private readonly WorkerExits exits;

    /// <summary>Starts the pool: its worker processes (in parallel, each running <paramref name="initializer"/> first) and its router.</summary>
    /// <param name="maxWorkers">Worker processes; null takes <c>actorpool.process-pool.max-workers</c> of <paramref name="system"/>,
    /// whose default (and the default without a system) is <see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="initializer">A static method (or capture-free lambda) run in each worker process before its first call;
    /// if it throws, the pool is broken (<see cref="BrokenProcessPoolException"/>).</param>
    /// <param name="maxTasksPerChild">If set, a worker process retires after that many calls, its successor started beforehand.</param>
    /// <param name="system">An actor system with remoting enabled to run the router in (left running on <c>Dispose</c>); null makes a private one.</param>
    /// <param name="loggerFactory">Where the executor logs (category <c>ActorPool.ProcessPool</c>), its worker processes' own records
    /// (<c>ActorPool.Worker</c>, with the worker's pid) and, in the actor system it makes for itself, Akka's warnings and errors;
    /// null logs through the actor system's Akka logging (docs/telemetry.md, "Logging").</param>
    /// <param name="policy">What the executor does with every call beyond running it (<see cref="ExecutorPolicy"/>); null for Python's behavior.</param>
    /// <remarks>Python's <c>ProcessPoolExecutor(max_workers, initializer=..., max_tasks_per_child=...)</c>.</remarks>
    public ProcessPoolExecutor(int? maxWorkers = null, Action? initializer = null, int? maxTasksPerChild = null, ActorSystem? system = null, ILoggerFactory? loggerFactory = null, ExecutorPolicy? policy = null)
        : base(WorkerCount.Validate(maxWorkers ?? DefaultMaxWorkers(system)), "process", policy)
    {
        if (maxTasksPerChild is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTasksPerChild), maxTasksPerChild, "max_tasks_per_child must be >= 1");
        }

        if (system is not null && system is not ExtendedActorSystem { Provider: IRemoteActorRefProvider })
        {
            throw new ArgumentException(
                "A process pool reaches its workers over Akka.Remote, so the actor system must have remoting enabled " +
                "(akka.actor.provider = remote, bound to 127.0.0.1). Pass such a system, or none and the executor makes its own.", nameof(system));
        }

        var init = initializer is null ? null : CallDescriptor.For(initializer, nameof(initializer));
        var transport = system is null ? "" : WorkerTransport(system);
        launcher = new WorkerLauncher(transport);
        var config = system?.Settings.Config.WithFallback(ActorPoolConfig.Reference) ?? ActorPoolConfig.ProcessSystemConfig;
        var settings = ProcessPoolSettings.From(config);
        DefaultGracePeriod = ActorPoolConfig.GracePeriod(config);
        // As many spares as this pool has workers (up to the setting), so a next pool of the same size starts warm.
        spareWorkers = Math.Min(MaxWorkers, settings.SpareWorkers);
        var frame = config.GetByteSize($"{(transport.Length > 0 ? transport : ActorPoolConfig.ProcessTransport)}.maximum-frame-size") ?? 128_000;
        maxPayload = Math.Min(settings.MaxPayloadSize, frame - (64 << 10)); // room for the message's own framing

        // Workers boot while this process builds its actor system; they learn its address once it is up.
        prestarted = new ConcurrentQueue<Process>();
        var n = Interlocked.Increment(ref counter);
        ownsSystem = system is null;
        try
        {
            for (var i = 0; i < MaxWorkers; i++)
            {
                // A spare booted earlier in this process (never introduced to any pool) saves its whole start-up.
                prestarted.Enqueue((settings.SpareWorkers > 0 ? launcher.TakeSpare() : null) ?? launcher.Start());
            }

            this.system = system ?? LoggerFactorySetup.CreateSystem($"actorpool-processes-{n}", ActorPoolConfig.ProcessParentSystemConfig, loggerFactory);
            ActorPoolConfig.For(this.system);
            if (!ownsSystem)
            {
                ActorPoolConfig.WarnIfRemoteDeploymentAllowed(this.system, "A ProcessPoolExecutor");
                ProtocolSerializer.Register(this.system);
            }
        }
        catch
        {
            ReleasePrestarted();
            throw;
        }

        UseLogging(loggerFactory, this.system, LogCategories.ProcessPool);
        launcher.Log = Log;
        var context = new ProcessPoolContext(
            launcher,
            prestarted,
            Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
            init,
            maxTasksPerChild ?? int.MaxValue,
            maxPayload,
            settings.StartupTimeout,
            settings.StopTimeout,
            spareWorkers,
            1 + settings.Prefetch,
            Meter,
            Log,
            LoggerFactory.CreateLogger(LogCategories.Worker),
            WorkerMemoryLimits.From(Policy, settings.MemoryCheckInterval));
        context.Startup.Pending = MaxWorkers;
        exits = context.Exits;
        try
        {
            StartRouter(this.system, new Spec(MaxWorkers, settings.Prefetch, context, settings.RouterDispatcher), $"actorpool-process-pool-{n}", settings.RouterDispatcher);
        }
        catch
        {
            // The router could not start (a router-dispatcher that does not exist, say): nobody will ever take the
            // workers started for it, so let them go now rather than when this app exits.
            ReleasePrestarted();
            if (ownsSystem)
            {
                this.system.Terminate().Wait(TimeSpan.FromSeconds(10));
            }

            throw;
        }
    }

    /// <summary>
    /// Sends SIGTERM to every worker process now, and shuts down with pending calls canceled (as
    /// <c>Shutdown(wait: false, cancelFutures: true)</c>). Calls the workers were running fail with a
    /// <see cref="BrokenProcessPoolException"/>; nothing more is submitted.
    /// </summary>
    /// <remarks>Python 3.14's <c>ProcessPoolExecutor.terminate_workers()</c>. On Windows, where there is no SIGTERM, it kills them.</remarks>
    public void TerminateWorkers() => ShutdownAndTellWorkers(new SignalWorkers(Kill: false));

    /// <summary>As <see cref="TerminateWorkers"/>, with SIGKILL: the workers end at once, whatever they run.</summary>
    /// <remarks>Python 3.14's <c>ProcessPoolExecutor.kill_workers()</c>.</remarks>
    public void KillWorkers() => ShutdownAndTellWorkers(new SignalWorkers(Kill: true));

    // Calls run in other processes, where this executor object does not exist.
    private protected override bool IsWorkerThread => false;

    private protected override void Prepare(WorkItem item) => CallCodec.Prepare(item, maxPayload);

    private protected override async Task ReleaseAsync()
    {
        await exits.WhenAll().ConfigureAwait(false); // as Python's shutdown joins its processes: no worker outlives Dispose
        ReleasePrestarted();
        if (spareWorkers > 0)
        {
            // A pool that ends before all its workers were up never booted the spares; the next pool may come soon.
            launcher.EnsureSpares(spareWorkers);
        }

        if (ownsSystem)
        {
            // Every call has settled and every worker has exited, so remoting's shutdown can only complain that it could
            // not flush to them ("flushing might not have been successful"). That warning comes after our quiet logger
            // has stopped, through Akka's stdout fallback at the system's log level, and would end the user's output.
            system.EventStream.SetLogLevel(Akka.Event.LogLevel.ErrorLevel);
            await system.Terminate().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The transport (its HOCON path) workers must enable to reach a user's <paramref name="system"/>: the one its address
    /// names, Akka's default (DotNetty TCP) or ActorPool's loopback transport.
    /// </summary>
    private static string WorkerTransport(ActorSystem system) =>
        ((ExtendedActorSystem)system).Provider.DefaultAddress.Protocol switch
        {
            "akka.tcp" => "akka.remote.dot-netty.tcp",
            "akka.loopback" => "", // the workers' default: they share spares with pools in their own systems
            var other => throw new ArgumentException(
                $"A process pool's workers speak Akka.Remote over akka.tcp (DotNetty, Akka's default) or akka.loopback (ActorPool's), " +
                $"and this actor system's address is {other}://. Enable one of those transports, or pass no system.", nameof(system)),
        };

    /// <summary>The system's <c>actorpool.process-pool.max-workers</c> if set above 0, else the processor count; read
    /// without injecting the defaults, because the system has not been checked for remoting yet.</summary>
    private static int DefaultMaxWorkers(ActorSystem? system)
    {
        var configured = system is null ? 0 : ProcessPoolSettings.From(system.Settings.Config.WithFallback(ActorPoolConfig.Reference)).MaxWorkers;
        return configured > 0 ? configured : Environment.ProcessorCount;
    }

    /// <summary>Lets go of started processes no proxy took (the pool broke, or never got that far): their stdin ends, they exit.</summary>
    private void ReleasePrestarted()
    {
        while (prestarted.TryDequeue(out var process))
        {
            using (process)
            {
                process.StandardInput.Close();
                if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
    }

    /// <summary>The pool's shape for the router. The proxies share the router's dispatcher: a proxy that runs on the thread
    /// that brings it a call (the router's) or its answers (a socket's reading thread) costs no hand-over between threads.</summary>
    private sealed class Spec(int workers, int prefetch, ProcessPoolContext options, string dispatcher) : WorkerPoolSpec
    {
        public override int WorkerCount => workers;

        public override int Prefetch => prefetch;

        public override Props WorkerProps(int index) =>
            dispatcher.Length > 0 ? WorkerProcessProxy.Props(options).WithDispatcher(dispatcher) : WorkerProcessProxy.Props(options);

        // A proxy is ready once its process has registered: until then calls wait in the router for any ready worker.
        public override bool WorkersStartReady => false;

        // Each worker process claims its prefetched calls on a board shared with its proxy, so they stay cancelable; and
        // one can be frozen (SIGSTOP) or starved by the OS while the others run.
        public override HandOverMode HandOverMode => HandOverMode.ClaimedWatchedForStalls;

        // A proxy that threw has lost track of its calls; stopped, the router requeues or fails what it held.
        public override bool RestartsFailedWorkers => false;

        protected override string InitializerFailedMessage => BrokenProcessPoolException.InitializerFailedMessage;

        protected override Exception BrokenError(string message, Exception? cause) => new BrokenProcessPoolException(message, cause);

        public override Exception WorkerLost(IActorRef worker, Exception? cause) =>
            new BrokenProcessPoolException($"Worker {worker.Path.Name} was lost while holding this call: {cause?.Message ?? "it stopped"}", cause);
    }
}
