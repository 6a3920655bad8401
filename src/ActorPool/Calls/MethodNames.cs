using System.Reflection;
using System.Text.RegularExpressions;

namespace ActorPool.Calls;

/// <summary>A method's name as its author wrote it, for log lines: the compiler's names of local functions and lambdas unwrapped.</summary>
internal static partial class MethodNames
{
    /// <summary><c>Type.Method</c>; a local function as <c>Type.Outer.Local</c>, a lambda as <c>Type.Outer (a lambda)</c>.</summary>
    public static string Describe(MethodBase method)
    {
        var type = method.DeclaringType;
        while (type is { DeclaringType: not null } && type.Name.StartsWith('<'))
        {
            type = type.DeclaringType; // a closure or lambda class: name the type the code is written in
        }

        var owner = type?.Name ?? "?";
        var match = CompilerName().Match(method.Name);
        if (!match.Success)
        {
            return $"{owner}.{method.Name}";
        }

        var outer = match.Groups["outer"].Value.Replace("<Main>$", "Main", StringComparison.Ordinal).Trim('<', '>');
        return match.Groups["kind"].Value == "g" ? $"{owner}.{outer}.{match.Groups["local"].Value}" : $"{owner}.{outer} (a lambda)";
    }

    // <Outer>g__Local|0_2 (a local function), <Outer>b__0_1 (a lambda); top-level statements' Main is <Main>$.
    [GeneratedRegex(@"^<(?<outer>.*)>(?<kind>[gb])__(?<local>[^|]*)")]
    private static partial Regex CompilerName();
}
