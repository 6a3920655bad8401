namespace LocalCluster;

/// <summary>The closing report: calls per node, wall time, the failover time, and what the prime ranges gave.</summary>
internal static class Summary
{
    /// <param name="counts">The final tally.</param>
    /// <param name="workload">The calls, for the prime count.</param>
    /// <param name="startup">From the start to every node worker ready.</param>
    /// <param name="calls">From submitting the calls to the last one done.</param>
    /// <param name="killed">The node taken away: its label, when (since submission), and how ("SIGKILL", "cut off"), if one was.</param>
    public static void Print(Tally.Snapshot counts, Workload workload, TimeSpan startup, TimeSpan calls, (string Node, TimeSpan At, string How)? killed)
    {
        var nodeWidth = Math.Max(4, counts.Nodes.Max(n => n.Node.Length));
        Console.WriteLine();
        Console.WriteLine($"Summary: {counts.Total} calls, {counts.Ok} ok, {counts.Failed} failed; wall time {(startup + calls).TotalSeconds:F1} s ({startup.TotalSeconds:F1} s start-up, {calls.TotalSeconds:F1} s of calls).");
        Console.WriteLine($"  {"node".PadRight(nodeWidth)}    ok  failed");
        foreach (var node in counts.Nodes)
        {
            var notes = node.Notes.Length > 0 ? $"  {node.Notes}" : "";
            Console.WriteLine($"  {node.Node.PadRight(nodeWidth)}  {node.Ok,4}  {node.Failed,6}{notes}");
        }

        if (killed is var (victim, at, how))
        {
            var row = counts.Nodes.First(n => n.Node == victim);
            var elsewhere = counts.Failed - row.Failed;
            Console.WriteLine(row.LastFailure is { } last
                ? $"  Failover: {how} -> its {row.Failed} futures failed (BrokenClusterPoolException naming the node) in {(last - at).TotalSeconds:F1} s; " +
                  (elsewhere == 0 ? "no call on another node failed." : $"{elsewhere} calls failed elsewhere.")
                : $"  Failover: the node {(how == "SIGKILL" ? "killed" : how)} held no calls, so none failed.");
        }

        var counted = workload.Primes.Where(f => f.Exception() is null).ToList();
        Console.WriteLine($"  Primes in {workload.PrimeSpan}: {counted.Sum(f => f.Result().Value):N0} counted in {counted.Count} of {workload.Primes.Count} ranges" +
                          (counted.Count < workload.Primes.Count ? " (the others failed; resubmitting them would finish the count)." : "."));
    }
}
