using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActorPool.Hosting.Services;

/// <summary>
/// Reads an <c>ActorPool</c> configuration section when <c>AddActorPool(configuration)</c> is called: one named options
/// instance per executor under <c>Executors</c>, bound from its section when the options are made (at host start), and
/// a declaration of each. What is wrong with the section's shape (a missing section, an unknown kind, a key no executor
/// has) is kept as a problem for <see cref="DeclarationsValidator"/> to report when the host starts.
/// </summary>
internal static class ConfigurationReader
{
    internal const string ExecutorsKey = "Executors";
    private const string KindKey = "Kind";
    private const string InitializerKey = "Initializer";

    private static readonly string[] ThreadPoolKeys = [KindKey, "MaxWorkers", "ThreadNamePrefix", "MaxQueuedCalls", "WhenFull", "Default"];
    private static readonly string[] ProcessPoolKeys = [KindKey, "MaxWorkers", "MaxTasksPerChild", "MaxQueuedCalls", "WhenFull", "WorkerMemorySoftLimit", "WorkerMemoryHardLimit", "Default"];

    internal static void Read(IServiceCollection services, IConfiguration configuration)
    {
        var root = configuration is IConfigurationSection section ? section.Path : "";
        var executorsPath = root.Length > 0 ? ConfigurationPath.Combine(root, ExecutorsKey) : ExecutorsKey;
        var declarations = new List<ExecutorDeclaration>();
        var problems = new List<string>();
        if (configuration is IConfigurationSection { } given && !given.Exists())
        {
            problems.Add($"The configuration section '{root}' is missing or empty. Declare executors under {executorsPath}:{{name}} " +
                $"(for example {executorsPath}:cpu:Kind = ProcessPool), or pass AddActorPool the section that holds them.");
        }

        foreach (var child in configuration.GetChildren().Where(c => !c.Key.Equals(ExecutorsKey, StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add($"{child.Path} is not an ActorPool setting (misspelled?): this section holds {ExecutorsKey} only, " +
                $"one section per executor ({executorsPath}:{{name}}).");
        }

        foreach (var executor in configuration.GetSection(ExecutorsKey).GetChildren())
        {
            var found = Check(executor, out var kind);
            problems.AddRange(found);
            if (kind is not { } known)
            {
                continue;
            }

            declarations.Add(new ExecutorDeclaration(executor.Key, known, executor.Path));
            // A section with problems is not bound: the host will not start, and binding it could fail first with a
            // less helpful message (a delegate cannot be read from a string).
            // Bound where the options type is concrete, so the configuration binding generator writes the binding code.
            var bind = found.Count == 0;
            if (known == ExecutorKind.ThreadPool)
            {
                Declare<ThreadPoolExecutorOptions>(services, executor.Key, bind ? options => options.Bind(executor) : null);
            }
            else
            {
                Declare<ProcessPoolExecutorOptions>(services, executor.Key, bind ? options => options.Bind(executor) : null);
            }
        }

        services.Configure<ExecutorDeclarations>(d =>
        {
            d.Executors.AddRange(declarations);
            d.Problems.AddRange(problems);
        });
    }

    /// <summary>Adds the named options of an executor, validated when the host starts.</summary>
    internal static void Declare<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
        IServiceCollection services, string name, Action<OptionsBuilder<TOptions>>? bind)
        where TOptions : class
    {
        var options = services.AddOptions<TOptions>(name);
        bind?.Invoke(options);
        options.ValidateOnStart();
    }

    /// <summary>What is wrong with one executor's section; <paramref name="kind"/> is its kind if it names a known one.</summary>
    private static List<string> Check(IConfigurationSection executor, out ExecutorKind? kind)
    {
        var problems = new List<string>();
        var kindValue = executor[KindKey];
        kind = Parse(kindValue);
        if (executor.Value is not null && !executor.GetChildren().Any())
        {
            problems.Add($"{executor.Path} is a value ('{executor.Value}'), not a section of settings: write its kind as " +
                $"{executor.Path}:{KindKey} = ThreadPool or ProcessPool.");
            return problems;
        }

        if (kindValue is null)
        {
            problems.Add($"{executor.Path}:{KindKey} is missing: set it to ThreadPool or ProcessPool.");
            return problems;
        }

        if (kind is not { } known)
        {
            problems.Add($"{executor.Path}:{KindKey} is '{kindValue}', which is not an executor kind: set it to ThreadPool or ProcessPool.");
            return problems;
        }

        var keys = known == ExecutorKind.ThreadPool ? ThreadPoolKeys : ProcessPoolKeys;
        var options = known == ExecutorKind.ThreadPool ? nameof(ThreadPoolExecutorOptions) : nameof(ProcessPoolExecutorOptions);
        foreach (var setting in executor.GetChildren().Where(s => !keys.Contains(s.Key, StringComparer.OrdinalIgnoreCase)))
        {
            problems.Add(setting.Key.Equals(InitializerKey, StringComparison.OrdinalIgnoreCase)
                ? $"{setting.Path} cannot be set in configuration: an initializer is code. Set it in code, for example " +
                  $"services.Configure<{options}>(\"{executor.Key}\", o => o.Initializer = ...), and remove the key."
                : $"{setting.Path} is not a setting of a {Describe(known)} (misspelled?): its settings are {string.Join(", ", keys)}.");
        }

        return problems;
    }

    private static ExecutorKind? Parse(string? value) =>
        value is null ? null
        : value.Equals(nameof(ExecutorKind.ThreadPool), StringComparison.OrdinalIgnoreCase) ? ExecutorKind.ThreadPool
        : value.Equals(nameof(ExecutorKind.ProcessPool), StringComparison.OrdinalIgnoreCase) ? ExecutorKind.ProcessPool
        : null;

    private static string Describe(ExecutorKind kind) => kind == ExecutorKind.ThreadPool ? "thread pool" : "process pool";
}
