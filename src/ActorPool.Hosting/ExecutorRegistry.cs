using System.Collections.Concurrent;
using Akka.Actor;

namespace ActorPool.Hosting;

/// <summary>
/// The executors registered with an actor system by name (by <see cref="ActorPoolHostingExtensions"/>), so any
/// code that can resolve the <see cref="ActorSystem"/> can resolve them. Registered executors are shut down,
/// their queued work finished, in the system's coordinated shutdown.
/// </summary>
public sealed class ExecutorRegistry : IExtension
{
    private readonly ConcurrentDictionary<string, Executor> executors = new(StringComparer.Ordinal);

    internal ExecutorRegistry(ActorSystem system)
    {
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceStop, "actorpool-shutdown-executors", async () =>
        {
            await Task.WhenAll(executors.Values.Select(e => e.ShutdownAsync())).ConfigureAwait(false);
            return Akka.Done.Instance;
        });
    }

    /// <summary>The registry of <paramref name="system"/>.</summary>
    public static ExecutorRegistry For(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.WithExtension<ExecutorRegistry, ExecutorRegistryProvider>();
    }

    /// <summary>Adds <paramref name="executor"/> under <paramref name="name"/>; a name can be used once.</summary>
    public void Register(string name, Executor executor)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(executor);
        if (!executors.TryAdd(name, executor))
        {
            throw Taken(name);
        }
    }

    /// <summary>Creates an executor with <paramref name="create"/> and adds it under <paramref name="name"/>, checking the
    /// name first so that a taken name starts no workers (and shutting down what was made if it was taken meanwhile).</summary>
    internal void Register(string name, Func<Executor> create)
    {
        if (executors.ContainsKey(name))
        {
            throw Taken(name);
        }

        var executor = create();
        if (!executors.TryAdd(name, executor))
        {
            executor.Shutdown(wait: false, cancelFutures: true);
            throw Taken(name);
        }
    }

    /// <summary>The executor registered as <paramref name="name"/>, of type <typeparamref name="TExecutor"/>.</summary>
    public TExecutor Get<TExecutor>(string name)
        where TExecutor : Executor
    {
        if (!executors.TryGetValue(name, out var executor))
        {
            var known = executors.IsEmpty ? "none" : string.Join(", ", executors.Keys.Order(StringComparer.Ordinal));
            throw new KeyNotFoundException($"No executor named '{name}' is registered with this actor system (registered: {known}). " +
                "Register it with AkkaConfigurationBuilder.WithThreadPoolExecutor(name, ...), WithProcessPoolExecutor(name, ...) or WithClusterPoolExecutor(name, ...).");
        }

        return executor as TExecutor ?? throw new InvalidCastException(
            $"The executor named '{name}' is a {executor.GetType().Name}, not a {typeof(TExecutor).Name}.");
    }

    private static ArgumentException Taken(string name) =>
        new($"An executor named '{name}' is already registered with this actor system; pick another name.", nameof(name));

    /// <summary>Creates the registry once per actor system.</summary>
    private sealed class ExecutorRegistryProvider : ExtensionIdProvider<ExecutorRegistry>
    {
        public override ExecutorRegistry CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
