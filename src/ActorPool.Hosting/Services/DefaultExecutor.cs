namespace ActorPool.Hosting.Services;

/// <summary>
/// Which executor the service provider gives for a type asked for without a name: the only executor of that type, or
/// else the only one of them marked as the default. Anything else is ambiguous and fails, saying how to choose.
/// </summary>
internal static class DefaultExecutor
{
    internal static TExecutor Pick<TExecutor>(IEnumerable<NamedExecutor> executors)
        where TExecutor : Executor
    {
        var type = typeof(TExecutor).Name;
        var candidates = executors.Where(e => e.Executor is TExecutor).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        if (candidates.Count == 1)
        {
            return (TExecutor)candidates[0].Executor;
        }

        if (candidates.Count == 0)
        {
            throw new InvalidOperationException(
                $"No executor is registered as a {type}, so there is none to give for a {type} asked for without a name. " +
                "Declare one with services.AddActorPool(...) (in code or configuration), or register one with the hosted actor " +
                "system (With…Executor) and call services.AddActorPool(); those exist once the host has started.");
        }

        var marked = candidates.Where(e => e.IsDefault).ToList();
        if (marked.Count == 1)
        {
            return (TExecutor)marked[0].Executor;
        }

        var example = (marked.Count > 0 ? marked : candidates)[0].Name;
        var byName = $"Ask for one by name ([FromKeyedServices(\"{example}\")] {type}, or GetRequiredKeyedService<{type}>(\"{example}\"))";
        throw new InvalidOperationException(marked.Count == 0
            ? $"{candidates.Count} executors are registered as a {type} ({Names(candidates)}) and none is marked as the default, " +
              $"so a {type} asked for without a name is ambiguous. {byName}, or mark one as the default: Default = true in its " +
              $"options (in configuration, ActorPool:Executors:{example}:Default = true)."
            : $"{marked.Count} executors registered as a {type} are marked as the default ({Names(marked)}), so a {type} asked " +
              $"for without a name is ambiguous. {byName}, or mark one only as the default.");
    }

    private static string Names(List<NamedExecutor> executors) => string.Join(", ", executors.Select(e => $"'{e.Name}'"));
}
