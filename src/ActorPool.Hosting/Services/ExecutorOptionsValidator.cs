using ActorPool.Wire;
using Microsoft.Extensions.Options;

namespace ActorPool.Hosting.Services;

/// <summary>
/// Fails the host's start on an executor's options that its constructor would refuse, each failure naming the
/// configuration key (or the options property, when declared in code) and the fix.
/// </summary>
internal sealed class ExecutorOptionsValidator(IOptions<ExecutorDeclarations> declarations)
    : IValidateOptions<ThreadPoolExecutorOptions>, IValidateOptions<ProcessPoolExecutorOptions>
{
    public ValidateOptionsResult Validate(string? name, ThreadPoolExecutorOptions options)
    {
        if (Declaration(name, ExecutorKind.ThreadPool) is not { } declared)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        CheckMaxWorkers(declared, options.MaxWorkers, "actorpool.thread-pool.max-workers, whose default is min(32, processors + 4)", failures);
        CheckQueueLimit(declared, options.MaxQueuedCalls, options.WhenFull, failures);
        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, ProcessPoolExecutorOptions options)
    {
        if (Declaration(name, ExecutorKind.ProcessPool) is not { } declared)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        CheckMaxWorkers(declared, options.MaxWorkers, "actorpool.process-pool.max-workers, whose default is the processor count", failures);
        CheckQueueLimit(declared, options.MaxQueuedCalls, options.WhenFull, failures);
        if (options.MaxTasksPerChild is <= 0 and var tasks)
        {
            failures.Add($"{declared.Setting(nameof(options.MaxTasksPerChild))} is {tasks}: set it to 1 or more (a worker process is " +
                "replaced after that many calls), or leave it out so worker processes are never replaced.");
        }

        CheckMemoryLimits(declared, options, failures);
        if (options.Initializer is { } initializer)
        {
            try
            {
                CallDescriptor.For(initializer, nameof(options.Initializer));
            }
            catch (ArgumentException e)
            {
                failures.Add($"The initializer of the process pool '{declared.Name}' cannot run in a worker process: {e.Message}");
            }
        }

        return Result(failures);
    }

    private static void CheckMaxWorkers(ExecutorDeclaration declared, int? maxWorkers, string fallback, List<string> failures)
    {
        if (maxWorkers is <= 0)
        {
            failures.Add($"{declared.Setting(nameof(ThreadPoolExecutorOptions.MaxWorkers))} is {maxWorkers}: set it to 1 or more, " +
                $"or leave it out to use {fallback}.");
        }
    }

    private static void CheckQueueLimit(ExecutorDeclaration declared, int? maxQueuedCalls, QueueFullMode whenFull, List<string> failures)
    {
        if (maxQueuedCalls is <= 0)
        {
            failures.Add($"{declared.Setting(nameof(ThreadPoolExecutorOptions.MaxQueuedCalls))} is {maxQueuedCalls}: set it to 1 or more, " +
                "or leave it out for no limit on queued calls.");
        }

        if (!Enum.IsDefined(whenFull))
        {
            failures.Add($"{declared.Setting(nameof(ThreadPoolExecutorOptions.WhenFull))} is {whenFull}: set it to Wait or Throw.");
        }
    }

    private static void CheckMemoryLimits(ExecutorDeclaration declared, ProcessPoolExecutorOptions options, List<string> failures)
    {
        foreach (var (value, name) in new[] { (options.WorkerMemorySoftLimit, nameof(options.WorkerMemorySoftLimit)), (options.WorkerMemoryHardLimit, nameof(options.WorkerMemoryHardLimit)) })
        {
            if (value is <= 0)
            {
                failures.Add($"{declared.Setting(name)} is {value}: set it to a positive number of bytes (a worker process's resident memory), " +
                    "or leave it out for no limit.");
            }
        }

        if (options.WorkerMemorySoftLimit > options.WorkerMemoryHardLimit)
        {
            failures.Add($"{declared.Setting(nameof(options.WorkerMemorySoftLimit))} ({options.WorkerMemorySoftLimit}) is above " +
                $"{declared.Setting(nameof(options.WorkerMemoryHardLimit))} ({options.WorkerMemoryHardLimit}): set the soft limit at or below the hard one, " +
                "or a worker would be killed before it could be recycled.");
        }
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

    /// <summary>
    /// The declaration of the executor <paramref name="name"/> of <paramref name="kind"/> (the one from configuration, if
    /// any, so messages name its keys); null for options no executor of AddActorPool's uses, and when the declarations
    /// themselves are invalid (<see cref="DeclarationsValidator"/> reports that, and the host does not start).
    /// </summary>
    private ExecutorDeclaration? Declaration(string? name, ExecutorKind kind)
    {
        List<ExecutorDeclaration> all;
        try
        {
            all = declarations.Value.Executors;
        }
        catch (OptionsValidationException)
        {
            return null;
        }

        var same = all.Where(d => d.Name == name && d.Kind == kind).ToList();
        return same.FirstOrDefault(d => d.ConfigurationPath is not null) ?? same.FirstOrDefault();
    }
}
