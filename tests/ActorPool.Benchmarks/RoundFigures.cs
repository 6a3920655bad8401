using System.Globalization;
using System.Text.Json;

namespace ActorPool.Benchmarks;

/// <summary>
/// One round's figures by path ("processPool.roundTripMicros", "clusterPool[2].MedianSeconds"), read from the JSON the
/// round wrote: this build's own rounds, a child build's under <c>--compare</c>, or the whole file an older build wrote,
/// which was one round. True and false count as 1 and 0; arrays of plain numbers (a latency's individual runs) are skipped.
/// </summary>
internal sealed class RoundFigures
{
    private readonly Dictionary<string, double> values = new(StringComparer.Ordinal);

    private RoundFigures()
    {
    }

    public int Count => values.Count;

    public double? this[Figure figure] => values.TryGetValue(figure.Path, out var value) ? value : null;

    /// <summary>The paths this round has, for telling which figures only one of two builds measured.</summary>
    public IEnumerable<string> Paths => values.Keys;

    /// <summary>The speed ratio in this round, or null when the round lacks either figure.</summary>
    public double? Ratio(RatioOf ratio) => this[ratio.Of] is { } of && this[ratio.Against] is { } against ? ratio.Of.Speed(of, against) : null;

    public static RoundFigures FromJson(JsonElement round)
    {
        var figures = new RoundFigures();
        figures.Add("", round);
        return figures;
    }

    /// <summary>The rounds in a file <c>--json</c> wrote: its "rounds", or, from a build before rounds, the file itself.</summary>
    public static IReadOnlyList<JsonElement> RoundsOf(JsonElement file) =>
        file.TryGetProperty("rounds", out var rounds) && rounds.ValueKind == JsonValueKind.Array ? [.. rounds.EnumerateArray()] : [file];

    private void Add(string path, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Add(path.Length == 0 ? property.Name : path + "." + property.Name, property.Value);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object)
                    {
                        Add(string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), item);
                    }

                    i++;
                }

                break;
            case JsonValueKind.Number:
                values[path] = element.GetDouble();
                break;
            case JsonValueKind.True:
                values[path] = 1;
                break;
            case JsonValueKind.False:
                values[path] = 0;
                break;
        }
    }
}
