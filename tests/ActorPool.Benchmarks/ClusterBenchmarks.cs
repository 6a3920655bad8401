using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ActorPool.Cluster;

namespace ActorPool.Benchmarks;

/// <summary>One node count's dispatch figure: sleep-bound calls against the ideal (every worker busy all the time).</summary>
/// <param name="OneNodeSeconds">The one-node run's median, to tell how much of the shortfall from the ideal comes with adding nodes.</param>
internal sealed record ClusterScaling(int Nodes, int WorkersPerNode, int Calls, int SleepMillis, double IdealSeconds, double MedianSeconds, double OneNodeSeconds, int Prefetch)
{
    public double RatioToIdeal => IdealSeconds / MedianSeconds;

    /// <summary>Throughput against <see cref="Nodes"/> times the one-node throughput (each run has the same work per worker).</summary>
    public double ScalingFromOneNode => OneNodeSeconds / MedianSeconds;
}

/// <summary>
/// Dispatch throughput of <see cref="ClusterPoolExecutor"/> with worker node processes on 127.0.0.1: calls that
/// sleep 10 ms each, so the figure is the executor's dispatch, not this machine's two cores.
/// </summary>
internal static class ClusterBenchmarks
{
    private const int WorkersPerNode = 8;
    private const int SleepMillis = 10;

    /// <summary>
    /// How long the same calls run before the timed ones: a new node process spends its first seconds JIT-compiling its
    /// hot paths (with four nodes on two cores and only a call per worker before, their compiler threads took half of all
    /// CPU samples during the timed runs), and the figure is the dispatch of a cluster whose nodes have run for a while.
    /// docs/performance.md gives the cold figure too.
    /// </summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);

    /// <summary><c>actorpool.cluster.prefetch</c>'s default (hocon/cluster.conf): pipelined claims, two calls ahead.</summary>
    public const int DefaultPrefetch = 2;

    /// <summary>
    /// The runs, in the order of the results (and of the JSON's <c>clusterPool</c> array): one node first, the yardstick of
    /// the others, all with the default pipelined claims; the last is the largest again with <c>prefetch = 0</c>, where a
    /// call goes only to an idle worker, which waits a round trip for its next: how much the pipelining buys.
    /// </summary>
    public static readonly IReadOnlyList<(int Nodes, int Prefetch)> Runs = [(1, DefaultPrefetch), (2, DefaultPrefetch), (4, DefaultPrefetch), (4, 0)];

    public static IReadOnlyList<ClusterScaling> Run(int reps, bool quick)
    {
        var callsPerWorker = quick ? 20 : 100; // ideal: 0.2 s or 1 s of sleeping per worker, whatever the node count
        var warmUp = quick ? TimeSpan.FromSeconds(2) : WarmUp;
        var results = new List<ClusterScaling>();
        foreach (var (nodes, prefetch) in Runs)
        {
            Console.Error.WriteLine($"measuring the cluster pool with {nodes} node process(es) x {WorkersPerNode} workers, actorpool.cluster.prefetch = {prefetch}...");
            results.Add(Measure(nodes, callsPerWorker, reps, results.FirstOrDefault()?.MedianSeconds, prefetch, warmUp));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Cluster pool: calls sleeping {SleepMillis} ms, {callsPerWorker} per worker, node processes on 127.0.0.1 with {WorkersPerNode} workers each, warmed up for {warmUp.TotalSeconds:N0} s (median of {reps})."));
        Console.WriteLine();
        Console.WriteLine("| nodes | workers | calls | ideal | measured | ratio to ideal | throughput vs nodes × 1 node |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var nodes = r.Prefetch == DefaultPrefetch ? $"{r.Nodes}" : $"{r.Nodes}, actorpool.cluster.prefetch = {r.Prefetch} (for comparison)";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {nodes} | {r.Nodes * r.WorkersPerNode} | {r.Calls:N0} | {r.IdealSeconds:N3} s | {r.MedianSeconds:N3} s | {r.RatioToIdeal:N2}× | {r.ScalingFromOneNode:N2}× |"));
        }

        Console.WriteLine();
        Console.WriteLine("By default each worker's next call is claimed while the one before it runs; with prefetch = 0 a worker waits one coordinator round trip between calls.");

        return results;
    }

    private static ClusterScaling Measure(int nodeCount, int callsPerWorker, int reps, double? oneNodeSeconds, int prefetch, TimeSpan warmUp)
    {
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        using var executor = new ClusterPoolExecutor(new ClusterPoolExecutorOptions
        {
            Secret = secret,
            Config = Akka.Configuration.ConfigurationFactory.ParseString(string.Create(CultureInfo.InvariantCulture, $"actorpool.cluster.prefetch = {prefetch}")),
        });
        var nodes = Enumerable.Range(0, nodeCount).Select(_ => LocalNodeProcess.Start(executor.Address, secret, WorkersPerNode)).ToList();
        try
        {
            var workers = nodeCount * WorkersPerNode;
            executor.WaitForWorkersAsync(workers, TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();
            var calls = workers * callsPerWorker;
            var warming = Stopwatch.StartNew();
            Run(executor, workers); // every worker's first call
            while (warming.Elapsed < warmUp)
            {
                Run(executor, calls);
            }
            var seconds = Enumerable.Range(0, reps).Select(_ => Run(executor, calls)).Order().ToList();
            var median = seconds[seconds.Count / 2];
            return new ClusterScaling(nodeCount, WorkersPerNode, calls, SleepMillis, callsPerWorker * SleepMillis / 1000.0, median, oneNodeSeconds ?? median, prefetch);
        }
        finally
        {
            executor.Shutdown();
            nodes.ForEach(n => n.Dispose());
        }
    }

    private static double Run(ClusterPoolExecutor executor, int calls)
    {
        var clock = Stopwatch.StartNew();
        var futures = new Future<int>[calls];
        for (var i = 0; i < calls; i++)
        {
            futures[i] = executor.Submit(Sleep, SleepMillis);
        }

        foreach (var future in futures)
        {
            future.Result();
        }

        return clock.Elapsed.TotalSeconds;
    }

    private static int Sleep(int milliseconds)
    {
        Thread.Sleep(milliseconds);
        return milliseconds;
    }
}
