using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ActorPool.Hosting.Services;

/// <summary>
/// The executors <c>AddActorPool</c> makes, each in an actor system of its own. They are made all together when the host
/// starts (before any hosted service's <c>StartAsync</c>), or when one is first resolved if that comes sooner; shut down,
/// their calls finished, once every hosted service has stopped; and disposed with the service provider. They log through
/// the container's <see cref="ILoggerFactory"/> (Akka's own records from their actor systems too).
/// </summary>
internal sealed partial class OwnedExecutors(
    IOptions<ExecutorDeclarations> declarations,
    IOptionsMonitor<ThreadPoolExecutorOptions> threadPools,
    IOptionsMonitor<ProcessPoolExecutorOptions> processPools,
    ILogger<OwnedExecutors>? logger = null,
    ILoggerFactory? loggerFactory = null) : IHostedLifecycleService, IAsyncDisposable, IDisposable
{
    private readonly Lock gate = new();
    private readonly ILogger log = logger ?? NullLogger<OwnedExecutors>.Instance;
    private List<NamedExecutor>? created;
    private bool stopped;

    /// <summary>The executors, made on first use; none once they have been shut down without ever being made.</summary>
    internal IReadOnlyList<NamedExecutor> Executors
    {
        get
        {
            lock (gate)
            {
                if (created is null && !stopped)
                {
                    created = Create();
                }

                return created ?? [];
            }
        }
    }

    /// <summary>Makes the executors before any hosted service starts, so worker processes boot and errors surface now.</summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _ = Executors;
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Shuts the executors down once the hosted services that use them have stopped: each finishes its running and queued
    /// calls. If the host's shutdown timeout runs out first, queued calls are canceled and process pools' worker
    /// processes terminated, and this returns; disposal then waits for what still runs (a thread pool's running calls).
    /// </summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        var executors = Stop();
        try
        {
            await Task.WhenAll(executors.Select(e => e.Executor.ShutdownAsync(cancellationToken: cancellationToken))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogShutdownTimedOut(log, string.Join(", ", executors.Select(e => e.Name)));
            foreach (var (_, executor, _) in executors)
            {
                if (executor is ProcessPoolExecutor processes)
                {
                    processes.TerminateWorkers();
                }
                else
                {
                    executor.Shutdown(wait: false, cancelFutures: true);
                }
            }
        }
    }

    /// <summary>Shuts the executors down and waits until they have (and their worker processes have exited).</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Stop().Select(e => e.Executor.ShutdownAsync())).ConfigureAwait(false);
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose()
    {
        foreach (var (_, executor, _) in Stop())
        {
            executor.Dispose();
        }
    }

    private List<NamedExecutor> Stop()
    {
        lock (gate)
        {
            stopped = true;
            return created ?? [];
        }
    }

    /// <summary>
    /// Makes every declared executor, in the order declared. Every executor's options are read (and so validated) before
    /// any is made; if making one fails, those already made are shut down before the error is thrown.
    /// </summary>
    private List<NamedExecutor> Create()
    {
        var plans = declarations.Value.Executors
            .DistinctBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => d.Kind == ExecutorKind.ThreadPool ? ThreadPool(d.Name) : ProcessPool(d.Name))
            .ToList();
        CheckSingleDefault(plans);

        var made = new List<NamedExecutor>();
        try
        {
            foreach (var (name, _, isDefault, create) in plans)
            {
                var executor = create();
                executor.Meter.Rename(name); // before it takes a call: its telemetry carries the name it is declared under
                made.Add(new NamedExecutor(name, executor, isDefault));
            }
        }
        catch
        {
            foreach (var (_, executor, _) in made)
            {
                executor.Dispose();
            }

            throw;
        }

        return made;
    }

    /// <summary>Refuses two executors of one kind both marked as the default: which to give would be a guess.</summary>
    private static void CheckSingleDefault(List<ExecutorPlan> plans)
    {
        foreach (var type in plans.Where(p => p.IsDefault).GroupBy(p => p.Type).Where(g => g.Count() > 1))
        {
            throw new InvalidOperationException(
                $"The {type.Key.Name}s {string.Join(" and ", type.Select(p => $"'{p.Name}'"))} are all marked as the default: mark one " +
                "only (Default = true in its options; in configuration, ActorPool:Executors:{name}:Default).");
        }
    }

    private ExecutorPlan ThreadPool(string name)
    {
        var options = threadPools.Get(name);
        return new ExecutorPlan(name, typeof(ThreadPoolExecutor), options.Default,
            () => new ThreadPoolExecutor(options.MaxWorkers, options.ThreadNamePrefix ?? "", options.Initializer, loggerFactory: loggerFactory));
    }

    private ExecutorPlan ProcessPool(string name)
    {
        var options = processPools.Get(name);
        return new ExecutorPlan(name, typeof(ProcessPoolExecutor), options.Default,
            () => new ProcessPoolExecutor(options.MaxWorkers, options.Initializer, options.MaxTasksPerChild, loggerFactory: loggerFactory, policy: options.Policy()));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "The host's shutdown timeout ran out before the executors {Names} finished their calls: their queued calls are canceled " +
        "and process pools' worker processes terminated. Raise HostOptions.ShutdownTimeout if calls need longer to finish.")]
    private static partial void LogShutdownTimedOut(ILogger logger, string names);

    /// <summary>An executor about to be made: its name, its type, whether it is marked as the default, and how to make it.</summary>
    private sealed record ExecutorPlan(string Name, Type Type, bool IsDefault, Func<Executor> Create);
}
