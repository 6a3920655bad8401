namespace ActorPool.Hosting.Services;

/// <summary>The kinds of executor <c>AddActorPool</c> makes; in configuration, the value of <c>Kind</c>.</summary>
internal enum ExecutorKind
{
    ThreadPool,
    ProcessPool,
}

/// <summary>
/// What <c>AddActorPool</c> was told to make: each executor's name and kind, in the order declared, and what is wrong
/// with the configuration it read. Unnamed options, so that <c>ValidateOnStart</c> reports the problems when the host starts.
/// </summary>
internal sealed class ExecutorDeclarations
{
    public List<ExecutorDeclaration> Executors { get; } = [];

    /// <summary>Problems found reading configuration (a missing section, an unknown kind or key), each a sentence naming the key and the fix.</summary>
    public List<string> Problems { get; } = [];
}

/// <summary>An executor <c>AddActorPool</c> makes, declared in code or, with <paramref name="ConfigurationPath"/>, in configuration.</summary>
internal sealed record ExecutorDeclaration(string Name, ExecutorKind Kind, string? ConfigurationPath)
{
    /// <summary>Where it was declared, for messages: its configuration section, or the call.</summary>
    public string Origin => ConfigurationPath ?? $"Add{Kind}Executor(\"{Name}\")";

    /// <summary>How a message names one of its settings: the configuration key, or the options property.</summary>
    public string Setting(string key) => ConfigurationPath is { } path
        ? $"{path}:{key}"
        : $"{Kind}ExecutorOptions.{key} of the executor '{Name}'";
}
