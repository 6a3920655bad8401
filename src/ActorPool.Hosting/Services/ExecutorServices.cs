using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ActorPool.Hosting.Services;

/// <summary>
/// The services behind <c>AddActorPool</c>, each added once however often it is called: the executors it makes, the
/// directory that finds executors by name, the validators, and the executor types given keyed by name and unkeyed.
/// </summary>
internal static class ExecutorServices
{
    internal static void AddCore(IServiceCollection services)
    {
        services.TryAddSingleton<OwnedExecutors>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OwnedExecutors>(sp => sp.GetRequiredService<OwnedExecutors>()));
        services.TryAddSingleton<ExecutorDirectory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExecutorDeclarations>, DeclarationsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ThreadPoolExecutorOptions>, ExecutorOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProcessPoolExecutorOptions>, ExecutorOptionsValidator>());
        services.AddOptions<ExecutorDeclarations>().ValidateOnStart();
        AddExecutorType<Executor>(services);
        AddExecutorType<ThreadPoolExecutor>(services);
        AddExecutorType<ProcessPoolExecutor>(services);
    }

    /// <summary>
    /// Gives <typeparamref name="TExecutor"/> keyed by any name (the executor of that name) and unkeyed (the default,
    /// <see cref="DefaultExecutor"/>). A registration of the app's own for a name, or unkeyed, wins over these.
    /// </summary>
    internal static void AddExecutorType<TExecutor>(IServiceCollection services)
        where TExecutor : Executor
    {
        services.TryAddKeyedSingleton<TExecutor>(KeyedService.AnyKey, static (sp, key) => sp.GetRequiredService<ExecutorDirectory>().Get<TExecutor>(key));
        services.TryAddSingleton<TExecutor>(static sp => sp.GetRequiredService<ExecutorDirectory>().GetDefault<TExecutor>());
    }
}
