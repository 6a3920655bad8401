using ActorPool.Hosting.Services;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ActorPool.Hosting;

/// <summary>
/// Makes executors services of a Microsoft.Extensions.DependencyInjection container: each given keyed by its name
/// (<c>[FromKeyedServices("cpu")] ProcessPoolExecutor cpu</c>), as its own type and as <see cref="Executor"/>, and unkeyed
/// as its type's default. The default of a type is the only executor of that type, or else the only one of them whose
/// options say <c>Default = true</c>; when that does not decide, asking without a name fails with a message that says how to choose.
/// </summary>
public static class ActorPoolServiceCollectionExtensions
{
    /// <summary>
    /// Gives as services the executors registered with the hosted actor system (Akka.Hosting's <c>AddAkka</c>, with
    /// <c>WithThreadPoolExecutor</c> and <c>WithProcessPoolExecutor</c>), and those the other overloads declare. Akka.Hosting
    /// runs its builder only once the service provider exists, too late to add services, so this call is what makes them
    /// resolvable; they exist once the host has started. Calling it more than once adds nothing more.
    /// </summary>
    public static IServiceCollection AddActorPool(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        ExecutorServices.AddCore(services);
        return services;
    }

    /// <summary>
    /// Declares executors in code, each in an actor system of its own: for example
    /// <c>services.AddActorPool(pool => pool.AddProcessPoolExecutor("cpu", o => o.MaxWorkers = 4).AddThreadPoolExecutor("io"))</c>.
    /// Their options are validated, and they are made, when the host starts; they are shut down, their calls finished,
    /// once the host's services have stopped, and disposed with the service provider.
    /// </summary>
    public static IServiceCollection AddActorPool(this IServiceCollection services, Action<ActorPoolBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddActorPool();
        configure(new ActorPoolBuilder(services));
        return services;
    }

    /// <summary>
    /// Declares executors from configuration, for example <c>services.AddActorPool(builder.Configuration.GetSection("ActorPool"))</c>
    /// over an appsettings.json section <c>"ActorPool": { "Executors": { "cpu": { "Kind": "ProcessPool", "MaxWorkers": 4 } } }</c>.
    /// Each child of <c>Executors</c> is an executor named by its key, with <c>Kind</c> (<c>ThreadPool</c> or <c>ProcessPool</c>)
    /// and the settings of its options type (<see cref="ThreadPoolExecutorOptions"/>, <see cref="ProcessPoolExecutorOptions"/>)
    /// but <c>Initializer</c>, which is code: set it with <c>services.Configure&lt;ProcessPoolExecutorOptions&gt;(name, ...)</c>.
    /// A missing section, an unknown kind or key, or a bad value fails the host's start with a message naming the key.
    /// </summary>
    public static IServiceCollection AddActorPool(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddActorPool();
        ConfigurationReader.Read(services, configuration);
        return services;
    }
}
