using Microsoft.Extensions.Options;

namespace ActorPool.Hosting.Services;

/// <summary>
/// Fails the host's start on what is wrong with the executors <c>AddActorPool</c> was told to make as a whole: the
/// problems found reading configuration, and a name declared with two kinds.
/// </summary>
internal sealed class DeclarationsValidator : IValidateOptions<ExecutorDeclarations>
{
    public ValidateOptionsResult Validate(string? name, ExecutorDeclarations options)
    {
        if (name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>(options.Problems);
        foreach (var sameName in options.Executors.GroupBy(d => d.Name, StringComparer.Ordinal))
        {
            var kinds = sameName.DistinctBy(d => d.Kind).ToList();
            if (kinds.Count > 1)
            {
                failures.Add($"The executor name '{sameName.Key}' is declared as a {kinds[0].Kind} ({kinds[0].Origin}) and as a " +
                    $"{kinds[1].Kind} ({kinds[1].Origin}). Names are unique among executors: rename one. (Declaring a name again " +
                    "with the same kind configures that one executor further.)");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
