namespace LocalCluster;

/// <summary>
/// The live view: on a terminal, one status line redrawn in place with <c>\r</c> (events print above it); when
/// output is redirected (a file, a pipe, CI), no control characters at all, just a status line every few seconds.
/// </summary>
internal sealed class ProgressView
{
    private static readonly TimeSpan RedirectedEvery = TimeSpan.FromSeconds(2);

    private readonly bool live = !Console.IsOutputRedirected;
    private int drawn; // characters of the status line on screen
    private TimeSpan? lastLine;

    /// <summary>Shows the status; called often, it draws as often as the output suits.</summary>
    public void Update(Tally.Snapshot counts, TimeSpan elapsed)
    {
        if (live)
        {
            var line = Fit($"{Bar(counts)} {Status(counts, elapsed)}");
            Console.Write($"\r{line}{new string(' ', Math.Max(0, drawn - line.Length))}");
            drawn = line.Length;
        }
        else if (lastLine is not { } last || elapsed - last >= RedirectedEvery)
        {
            Console.WriteLine($"  {Status(counts, elapsed)}");
            lastLine = elapsed;
        }
    }

    /// <summary>Prints <paramref name="line"/> on a line of its own, above the status line.</summary>
    public void Event(string line)
    {
        Clear();
        Console.WriteLine(line);
    }

    /// <summary>Draws the final status and leaves it on its own line.</summary>
    public void Finish(Tally.Snapshot counts, TimeSpan elapsed)
    {
        lastLine = null;
        Update(counts, elapsed);
        if (live)
        {
            Console.WriteLine();
            drawn = 0;
        }
    }

    private void Clear()
    {
        if (live && drawn > 0)
        {
            Console.Write($"\r{new string(' ', drawn)}\r");
            drawn = 0;
        }
    }

    private static string Bar(Tally.Snapshot counts)
    {
        const int width = 24;
        var filled = counts.Total == 0 ? width : counts.Done * width / counts.Total;
        return $"[{new string('#', filled)}{new string('-', width - filled)}]";
    }

    private static string Status(Tally.Snapshot counts, TimeSpan elapsed)
    {
        var nodes = counts.Nodes.Select(n => n.Failed > 0 ? $"{n.Node}: {n.Ok} ok {n.Failed} failed" : $"{n.Node}: {n.Ok}");
        return $"{counts.Done,3}/{counts.Total} done ({counts.Ok} ok, {counts.Failed} failed) {elapsed.TotalSeconds,5:F1} s | {string.Join("  ", nodes)}";
    }

    private static string Fit(string line)
    {
        var width = Console.WindowWidth is > 10 and var w ? w - 1 : 119;
        return line.Length <= width ? line : line[..width];
    }
}
