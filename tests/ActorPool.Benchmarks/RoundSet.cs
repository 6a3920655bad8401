namespace ActorPool.Benchmarks;

/// <summary>The lowest, middle and highest of one figure (or ratio) over the rounds that measured it.</summary>
internal readonly record struct Spread(double Min, double Median, double Max, int Rounds)
{
    public static Spread? Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Spread(sorted[0], median, sorted[^1], sorted.Length);
    }
}

/// <summary>The rounds of one run, figure by figure: each ratio is computed inside a round, from that round's own figures.</summary>
internal sealed class RoundSet(IReadOnlyList<RoundFigures> rounds)
{
    public int Count => rounds.Count;

    public Spread? Figure(Figure figure) => Spread.Of(rounds.Select(r => r[figure]).OfType<double>());

    public Spread? Ratio(RatioOf ratio) => Spread.Of(rounds.Select(r => r.Ratio(ratio)).OfType<double>());

    /// <summary>True when every round measured <paramref name="figure"/> and it was 1 (true) in each.</summary>
    public bool AllTrue(Figure figure) => rounds.All(r => r[figure] == 1);
}
