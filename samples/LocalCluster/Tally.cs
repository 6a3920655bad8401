using System.Diagnostics;

namespace LocalCluster;

/// <summary>
/// Calls done per node, counted as futures complete. Done-callbacks run on the executor's threads, the display
/// reads from the main thread: hence the lock, and snapshots rather than live collections.
/// </summary>
internal sealed class Tally(int total)
{
    private readonly Lock gate = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly List<Row> rows = [];
    private int ok;
    private int failed;

    /// <summary>Time since the workload was submitted.</summary>
    public TimeSpan Elapsed => clock.Elapsed;

    /// <summary>Adds <paramref name="node"/>'s row now, so rows keep the order the nodes started in.</summary>
    public void Add(string node)
    {
        lock (gate)
        {
            RowOf(node);
        }
    }

    public void Succeeded(string node)
    {
        lock (gate)
        {
            ok++;
            RowOf(node).Ok++;
        }
    }

    public void Failed(string node)
    {
        lock (gate)
        {
            failed++;
            var row = RowOf(node);
            row.Failed++;
            row.LastFailure = clock.Elapsed;
        }
    }

    /// <summary>Marks <paramref name="node"/>'s row, e.g. with "killed" or its cluster address.</summary>
    public void Note(string node, string note)
    {
        lock (gate)
        {
            RowOf(node).Notes.Add(note);
        }
    }

    public Snapshot Read()
    {
        lock (gate)
        {
            return new Snapshot(total, ok, failed, rows.Select(r => new NodeCount(r.Node, r.Ok, r.Failed, r.LastFailure, string.Join(", ", r.Notes))).ToList());
        }
    }

    private Row RowOf(string node)
    {
        var row = rows.Find(r => r.Node == node);
        if (row is null)
        {
            row = new Row(node);
            rows.Add(row);
        }

        return row;
    }

    /// <summary>The counts at one moment.</summary>
    public sealed record Snapshot(int Total, int Ok, int Failed, IReadOnlyList<NodeCount> Nodes)
    {
        public int Done => Ok + Failed;
    }

    /// <summary>One node's counts; <paramref name="LastFailure"/> is when its last call failed, since submission.</summary>
    public sealed record NodeCount(string Node, int Ok, int Failed, TimeSpan? LastFailure, string Notes);

    private sealed class Row(string node)
    {
        public string Node { get; } = node;

        public int Ok { get; set; }

        public int Failed { get; set; }

        public TimeSpan? LastFailure { get; set; }

        public List<string> Notes { get; } = [];
    }
}
