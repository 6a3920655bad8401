namespace LocalCluster;

/// <summary>
/// The view for redirected output: no control characters at all, a status line every few seconds with the calls
/// done per node, and events as they happen.
/// </summary>
internal sealed class PlainProgressView : ProgressView
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    private TimeSpan? lastLine;

    public override T Show<T>(Func<T> watch) => watch();

    public override void Update(Tally.Snapshot counts, TimeSpan elapsed)
    {
        if (lastLine is not { } last || elapsed - last >= Every)
        {
            Console.WriteLine($"  {Status(counts, elapsed)} | {PerNode(counts)}");
            lastLine = elapsed;
        }
    }

    public override void Event(string line) => Console.WriteLine(line);

    public override void Finish(Tally.Snapshot counts, TimeSpan elapsed)
    {
        lastLine = null;
        Update(counts, elapsed);
    }

    private static string PerNode(Tally.Snapshot counts) =>
        string.Join("  ", counts.Nodes.Select(n => n.Failed > 0 ? $"{n.Node}: {n.Ok} ok {n.Failed} failed" : $"{n.Node}: {n.Ok}"));
}
