using System.Globalization;

namespace ActorPool.Benchmarks;

/// <summary>One row of the target table: what was measured against what, and whether the target is met.</summary>
/// <param name="Benchmark">The row's name, with the sizes actually run.</param>
/// <param name="Target">The goal, in words.</param>
/// <param name="ActorPool">ActorPool's figure, formatted: its median over the rounds.</param>
/// <param name="TaskRun">Task.Run's figure measured in the same run, or "—" where it is no comparison.</param>
/// <param name="CPython">CPython's figure measured in the same run, "skipped" without python3, or "—".</param>
/// <param name="Ratio">The ratios the target is stated in (&gt;1× means ActorPool is faster), with their lowest and highest round.</param>
/// <param name="Met">Whether the target is met at the median; null when a figure it needs was not measured.</param>
internal sealed record TargetRow(string Benchmark, string Target, string ActorPool, string TaskRun, string CPython, string Ratio, bool? Met)
{
    public string Verdict => Met switch { true => "PASS", false => "MISS", null => "n/a" };
}

/// <summary>The consolidated table printed at the end of a run.</summary>
internal static class Summary
{
    public const string NotRun = "not run";

    public static void Print(IReadOnlyList<TargetRow> rows, bool quick, int rounds)
    {
        Console.WriteLine();
        Console.WriteLine(rounds > 1
            ? string.Create(CultureInfo.InvariantCulture, $"Targets, judged on the median of {rounds} rounds (figures: medians over the rounds; ratios: median, then lowest–highest round):")
            : "Targets (every figure measured in this run; medians of the repetitions; one round, so no range):");
        Console.WriteLine();
        Console.WriteLine("| benchmark | target | ActorPool | Task.Run | CPython | ratio | verdict |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|:---:|");
        foreach (var row in rows)
        {
            Console.WriteLine($"| {row.Benchmark} | {row.Target} | {row.ActorPool} | {row.TaskRun} | {row.CPython} | {row.Ratio} | {row.Verdict} |");
        }

        Console.WriteLine();
        var counts = string.Create(CultureInfo.InvariantCulture,
            $"{rows.Count(r => r.Met == true)} PASS, {rows.Count(r => r.Met == false)} MISS, {rows.Count(r => r.Met is null)} n/a.");
        Console.WriteLine(counts + (quick ? " --quick runs smaller sizes and fewer repetitions than the targets name: a smoke run, not a verdict." : ""));
    }

    /// <summary>A speed ratio as the tables print it.</summary>
    public static string Times(double? ratio, string format = "N2") =>
        ratio is { } r ? r.ToString(format, CultureInfo.InvariantCulture) + "×" : "—";

    /// <summary>True/false when every ratio was measured, null (n/a) when one was not but none measured failed.</summary>
    public static bool? AllAtLeast(params (double? Ratio, double Goal)[] checks)
    {
        if (checks.Any(c => c.Ratio is { } r && r < c.Goal))
        {
            return false;
        }

        return checks.All(c => c.Ratio is not null) ? true : null;
    }
}
