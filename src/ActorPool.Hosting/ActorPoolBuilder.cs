using System.Diagnostics.CodeAnalysis;
using ActorPool.Hosting.Services;
using Microsoft.Extensions.DependencyInjection;

namespace ActorPool.Hosting;

/// <summary>
/// Declares the executors <see cref="ActorPoolServiceCollectionExtensions.AddActorPool(IServiceCollection, Action{ActorPoolBuilder})"/>
/// makes, each by name and in an actor system of its own, as <c>new ThreadPoolExecutor(...)</c> and
/// <c>new ProcessPoolExecutor(...)</c> do. The service provider then gives each one keyed by its name, and as its type's
/// default unkeyed.
/// </summary>
public sealed class ActorPoolBuilder
{
    internal ActorPoolBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The service collection the executors are added to.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Declares a <see cref="ThreadPoolExecutor"/> named <paramref name="name"/>, its options the named options
    /// <c>ThreadPoolExecutorOptions</c> "<paramref name="name"/>" (set by <paramref name="configure"/>, and by anything else
    /// that configures them), validated when the host starts. Declaring the name again as a thread pool configures the
    /// same executor further; as another kind, the host fails to start.
    /// </summary>
    public ActorPoolBuilder AddThreadPoolExecutor(string name, Action<ThreadPoolExecutorOptions>? configure = null) =>
        Add(name, ExecutorKind.ThreadPool, configure);

    /// <summary>
    /// Declares a <see cref="ProcessPoolExecutor"/> named <paramref name="name"/>, its options the named options
    /// <c>ProcessPoolExecutorOptions</c> "<paramref name="name"/>" (set by <paramref name="configure"/>, and by anything else
    /// that configures them), validated when the host starts. Its worker processes start with the host. Declaring the name
    /// again as a process pool configures the same executor further; as another kind, the host fails to start.
    /// </summary>
    public ActorPoolBuilder AddProcessPoolExecutor(string name, Action<ProcessPoolExecutorOptions>? configure = null) =>
        Add(name, ExecutorKind.ProcessPool, configure);

    private ActorPoolBuilder Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
        string name, ExecutorKind kind, Action<TOptions>? configure)
        where TOptions : class
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ConfigurationReader.Declare<TOptions>(Services, name, bind: null);
        if (configure is not null)
        {
            Services.Configure(name, configure);
        }

        Services.Configure<ExecutorDeclarations>(d => d.Executors.Add(new ExecutorDeclaration(name, kind, ConfigurationPath: null)));
        return this;
    }
}
