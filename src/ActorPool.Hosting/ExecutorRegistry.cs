using System.Collections.Concurrent;
using ActorPool.Hosting.Services;
using Akka.Actor;

namespace ActorPool.Hosting;

/// <summary>
/// The executors registered with an actor system by name (by <see cref="ActorPoolHostingExtensions"/>), so any
/// code that can resolve the <see cref="ActorSystem"/> can resolve them, and so can the service provider once
/// <see cref="ActorPoolServiceCollectionExtensions.AddActorPool(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/>
/// is called. Registered executors are shut down, their queued work finished, in the system's coordinated shutdown.
/// </summary>
public sealed class ExecutorRegistry : IExtension
{
    private readonly ConcurrentDictionary<string, NamedExecutor> executors = new(StringComparer.Ordinal);

    internal ExecutorRegistry(ActorSystem system)
    {
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceStop, "actorpool-shutdown-executors", async () =>
        {
            await Task.WhenAll(executors.Values.Select(e => e.Executor.ShutdownAsync())).ConfigureAwait(false);
            return Akka.Done.Instance;
        });
    }

    /// <summary>The registry of <paramref name="system"/>.</summary>
    public static ExecutorRegistry For(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.WithExtension<ExecutorRegistry, ExecutorRegistryProvider>();
    }

    /// <summary>
    /// Adds <paramref name="executor"/> under <paramref name="name"/>; a name can be used once. With
    /// <paramref name="isDefault"/>, it is the one the service provider gives for its type when asked without a name
    /// while several of that type are registered (see <see cref="ActorPoolServiceCollectionExtensions"/>).
    /// </summary>
    public void Register(string name, Executor executor, bool isDefault = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(executor);
        CheckSingleDefault(name, executor, isDefault);
        if (!executors.TryAdd(name, new NamedExecutor(name, executor, isDefault)))
        {
            throw Taken(name);
        }
    }

    /// <summary>Creates an executor with <paramref name="create"/> and adds it under <paramref name="name"/>, checking the
    /// name first so that a taken name starts no workers (and shutting down what was made if it was taken meanwhile).</summary>
    internal void Register(string name, Func<Executor> create, bool isDefault)
    {
        if (executors.ContainsKey(name))
        {
            throw Taken(name);
        }

        var executor = create();
        executor.Meter.Rename(name); // before it takes a call: its telemetry carries the name it is registered under
        try
        {
            CheckSingleDefault(name, executor, isDefault);
        }
        catch (ArgumentException)
        {
            executor.Shutdown(wait: false, cancelFutures: true);
            throw;
        }

        if (!executors.TryAdd(name, new NamedExecutor(name, executor, isDefault)))
        {
            executor.Shutdown(wait: false, cancelFutures: true);
            throw Taken(name);
        }
    }

    /// <summary>The registered executors, each with its name and whether it was marked as its type's default.</summary>
    internal IEnumerable<NamedExecutor> Entries => executors.Values;

    /// <summary>The executor registered as <paramref name="name"/>, of type <typeparamref name="TExecutor"/>.</summary>
    public TExecutor Get<TExecutor>(string name)
        where TExecutor : Executor
    {
        if (!executors.TryGetValue(name, out var entry))
        {
            var known = executors.IsEmpty ? "none" : string.Join(", ", executors.Keys.Order(StringComparer.Ordinal));
            throw new KeyNotFoundException($"No executor named '{name}' is registered with this actor system (registered: {known}). " +
                "Register it with AkkaConfigurationBuilder.WithThreadPoolExecutor(name, ...), WithProcessPoolExecutor(name, ...) or WithClusterPoolExecutor(name, ...).");
        }

        return entry.Executor as TExecutor ?? throw new InvalidCastException(
            $"The executor named '{name}' is a {entry.Executor.GetType().Name}, not a {typeof(TExecutor).Name}.");
    }

    /// <summary>Refuses a second default of one executor type: which of the two to give would be a guess.</summary>
    private void CheckSingleDefault(string name, Executor executor, bool isDefault)
    {
        if (!isDefault)
        {
            return;
        }

        var other = Entries.FirstOrDefault(e => e.IsDefault && e.Executor.GetType() == executor.GetType());
        if (other is not null)
        {
            throw new ArgumentException(
                $"The {executor.GetType().Name} '{name}' is marked as the default, and so is '{other.Name}': mark one only " +
                "(Default = true in its options).", nameof(isDefault));
        }
    }

    private static ArgumentException Taken(string name) =>
        new($"An executor named '{name}' is already registered with this actor system; pick another name.", nameof(name));

    /// <summary>Creates the registry once per actor system.</summary>
    private sealed class ExecutorRegistryProvider : ExtensionIdProvider<ExecutorRegistry>
    {
        public override ExecutorRegistry CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
