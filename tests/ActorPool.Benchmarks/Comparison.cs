using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ActorPool.Benchmarks;

/// <summary>
/// <c>--compare</c>: this build against another commit's, round by round, each round running both builds one after the
/// other in processes of their own, the order alternating (Interleaving). Per figure, the ratio this ÷ other is computed
/// inside each round and reported as min / median / max over the rounds: how "≥ 0.97× of the commit before" is checked.
/// </summary>
internal static class Comparison
{
    public static void Run(BenchmarkBuild other, int rounds, IReadOnlyList<string> runArgs, string? jsonPath)
    {
        var self = BenchmarkBuild.Self();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Comparing this build ({self.Path}) with the other ({other.Path}): {rounds} round(s) of `{string.Join(' ', runArgs)}`, each build in a process of its own, the order alternating."));
        var runs = new List<(int Round, string Load, IReadOnlyList<string> Order, JsonElement This, JsonElement Other)>();
        for (var round = 0; round < rounds; round++)
        {
            var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
            var order = Interleaving.Order([self, other], round);
            var figures = new Dictionary<BenchmarkBuild, JsonElement>();
            foreach (var build in order)
            {
                Console.Error.WriteLine($"round {round + 1} of {rounds}: {build.Name}...");
                figures[build] = build.RunRound(runArgs);
            }

            runs.Add((round + 1, load, [.. order.Select(b => b.Name)], figures[self], figures[other]));
            Console.WriteLine($"Round {round + 1}: {string.Join(", then ", order.Select(b => b.Name))} (load average at start {load}).");
        }

        var ours = runs.Select(r => RoundFigures.FromJson(r.This)).ToList();
        var theirs = runs.Select(r => RoundFigures.FromJson(r.Other)).ToList();
        var rows = Figures.All.Select(f => new Row(
                f,
                Spread.Of(ours.Select(r => r[f]).OfType<double>()),
                Spread.Of(theirs.Select(r => r[f]).OfType<double>()),
                Spread.Of(ours.Zip(theirs, (a, b) => a[f] is { } x && b[f] is { } y ? f.Speed(x, y) : (double?)null).OfType<double>())))
            .Where(r => r.Ratio is not null)
            .ToList();

        Console.WriteLine();
        Console.WriteLine("This build ÷ the other, per figure: >1× means this build is better (faster, or fewer bytes); each ratio is computed inside one");
        Console.WriteLine("round and shown as min / median / max over the rounds. Task.Run's rows run no ActorPool code: their spread is the machine's noise.");
        Console.WriteLine();
        Console.WriteLine("| figure | this build (median) | other build (median) | this ÷ other: min | median | max |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (figure, mine, others, ratio) in rows)
        {
            var r = ratio!.Value;
            Console.WriteLine($"| {figure.Label} | {figure.Format(mine!.Value.Median)} | {figure.Format(others!.Value.Median)} | {Summary.Times(r.Min)} | {Summary.Times(r.Median)} | {Summary.Times(r.Max)} |");
        }

        // A figure one build lacks is a figure added or renamed between them; say so rather than drop it silently. CPython's
        // are left out on purpose where a build can skip them, and a build from before --no-cpython runs them anyway.
        var onlyOne = Figures.All
            .Where(f => !f.Path.Contains("cpython", StringComparison.Ordinal) && ours.Any(r => r[f] is not null) != theirs.Any(r => r[f] is not null))
            .Select(f => f.Label).ToList();
        if (onlyOne.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"Measured by one build only: {string.Join("; ", onlyOne)}.");
        }

        if (jsonPath is not null)
        {
            var raw = new
            {
                machine = new { cores = Environment.ProcessorCount, os = RuntimeInformation.OSDescription, dotnet = RuntimeInformation.FrameworkDescription },
                settings = new { compare = true, thisBuild = self.Path, otherBuild = other.Path, rounds, runArgs },
                rounds = runs.Select(r => new { round = r.Round, loadAverageAtStart = r.Load, order = r.Order, thisBuild = r.This, otherBuild = r.Other }),
                summary = rows.Select(r => new
                {
                    path = r.Figure.Path,
                    label = r.Figure.Label,
                    thisMedian = r.This!.Value.Median,
                    otherMedian = r.Other!.Value.Median,
                    rounds = r.Ratio!.Value.Rounds,
                    min = r.Ratio.Value.Min,
                    median = r.Ratio.Value.Median,
                    max = r.Ratio.Value.Max,
                }),
            };
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(raw, JsonOptions.Indented));
            Console.WriteLine($"Every round's figures of both builds and the ratios written to {jsonPath}");
        }
    }

    private sealed record Row(Figure Figure, Spread? This, Spread? Other, Spread? Ratio);
}
