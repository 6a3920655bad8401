using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;

namespace ActorPool.Hosting.Services;

/// <summary>
/// Finds the executors the service provider gives: those <c>AddActorPool</c> makes (<see cref="OwnedExecutors"/>) and
/// those registered with the hosted actor system (its <see cref="ExecutorRegistry"/>), by name or by default.
/// </summary>
internal sealed class ExecutorDirectory(OwnedExecutors owned, IServiceProvider services)
{
    /// <summary>The executor named <paramref name="key"/>, of type <typeparamref name="TExecutor"/>.</summary>
    internal TExecutor Get<TExecutor>(object? key)
        where TExecutor : Executor
    {
        if (key is not string name)
        {
            throw new InvalidOperationException(
                $"Executors are keyed by their names, which are strings; a {typeof(TExecutor).Name} was asked for with the key " +
                $"{key} ({key?.GetType().Name ?? "null"}).");
        }

        var all = All();
        var named = all.Where(e => e.Name == name).ToList();
        if (named.Count == 0)
        {
            var known = all.Count == 0 ? "none" : string.Join(", ", all.Select(e => e.Name).Order(StringComparer.Ordinal));
            throw new KeyNotFoundException(
                $"No executor named '{name}' is registered (registered: {known}). Declare it with services.AddActorPool(pool => " +
                $"pool.AddThreadPoolExecutor(\"{name}\")) or AddProcessPoolExecutor, in configuration as ActorPool:Executors:{name}, " +
                $"or with the hosted actor system's With…Executor(\"{name}\"), which exists once the host has started.");
        }

        if (named.Count > 1)
        {
            throw new InvalidOperationException(
                $"Two executors are named '{name}': one AddActorPool makes and one registered with the hosted actor system. " +
                "Names are unique among executors: rename one.");
        }

        var executor = named[0].Executor;
        return executor as TExecutor ?? throw new InvalidCastException(
            $"The executor named '{name}' is a {executor.GetType().Name}, not a {typeof(TExecutor).Name}.");
    }

    /// <summary>The executor given for <typeparamref name="TExecutor"/> asked for without a name (<see cref="DefaultExecutor"/>).</summary>
    internal TExecutor GetDefault<TExecutor>()
        where TExecutor : Executor => DefaultExecutor.Pick<TExecutor>(All());

    private List<NamedExecutor> All()
    {
        var all = new List<NamedExecutor>(owned.Executors);
        if (services.GetService<ActorSystem>() is { } system)
        {
            all.AddRange(ExecutorRegistry.For(system).Entries);
        }

        return all;
    }
}
