using System.Globalization;

namespace ActorPool.Benchmarks;

/// <summary>The table printed after the rounds: every figure and every ratio as min / median / max over the rounds.</summary>
internal static class RangeTable
{
    public static void Print(RoundSet set)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Ranges over {set.Count} round(s): each round's figure is the median of its repetitions; each ratio is computed inside one round, from that round's figures."));
        Console.WriteLine();
        Console.WriteLine("| figure | min | median | max |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var figure in Figures.All)
        {
            if (set.Figure(figure) is { } s)
            {
                Console.WriteLine($"| {figure.Label} | {figure.Format(s.Min)} | {figure.Format(s.Median)} | {figure.Format(s.Max)} |");
            }
        }

        Console.WriteLine();
        Console.WriteLine("| ratio (>1× means the first is faster) | min | median | max |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var ratio in Figures.Ratios)
        {
            if (set.Ratio(ratio) is { } s)
            {
                Console.WriteLine($"| {ratio.Label} | {Summary.Times(s.Min)} | {Summary.Times(s.Median)} | {Summary.Times(s.Max)} |");
            }
        }
    }

    /// <summary>The same, for <c>--json</c>.</summary>
    public static object Json(RoundSet set) => new
    {
        figures = Figures.All.Select(f => (Figure: f, Spread: set.Figure(f))).Where(x => x.Spread is not null)
            .Select(x => new { path = x.Figure.Path, label = x.Figure.Label, rounds = x.Spread!.Value.Rounds, min = x.Spread.Value.Min, median = x.Spread.Value.Median, max = x.Spread.Value.Max }),
        ratios = Figures.Ratios.Select(r => (Ratio: r, Spread: set.Ratio(r))).Where(x => x.Spread is not null)
            .Select(x => new { label = x.Ratio.Label, of = x.Ratio.Of.Path, against = x.Ratio.Against.Path, rounds = x.Spread!.Value.Rounds, min = x.Spread.Value.Min, median = x.Spread.Value.Median, max = x.Spread.Value.Max }),
    };
}
