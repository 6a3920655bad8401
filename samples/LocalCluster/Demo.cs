using System.Diagnostics;
using System.Security.Cryptography;
using ActorPool;
using ActorPool.Cluster;
using Akka.Configuration;

namespace LocalCluster;

/// <summary>
/// The demo itself: a coordinator (a <see cref="ClusterPoolExecutor"/> in this process), worker nodes (child
/// processes, or nodes started elsewhere), the workload with a live per-node tally, one node killed with SIGKILL
/// mid-run (or, given a <see cref="PartitionNetwork"/>, cut off from the network), and the summary. Every future reports to the tally from its done-callback; the main thread only
/// draws, kills, and watches for Ctrl+C.
/// </summary>
internal sealed class Demo(DemoOptions options, CancellationToken cancel, PartitionNetwork? network = null)
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan LateJoiners = TimeSpan.FromSeconds(5);

    // Akka would otherwise make the coordinator leave the cluster on Ctrl+C or SIGTERM, under the running demo;
    // Program.cs handles those signals, and the using blocks below stop everything in order.
    private static readonly Config OwnShutdown = ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off");

    // --partition: the bridge links only the namespaces the demo made, so plaintext is safe on it.
    private static readonly Config PrivateNetwork = ConfigurationFactory.ParseString("actorpool.cluster.allow-insecure-plaintext-network = on");

    private readonly ProgressView view = ProgressView.ForConsole();
    private readonly Stopwatch wall = Stopwatch.StartNew();
    private Tally tally = new(0);
    private int? victim;
    private string disruption = "";
    private TimeSpan killedAt;
    private bool killDecided;
    private int failuresReported;

    /// <returns>The exit code: 0, or 130 when interrupted.</returns>
    public async Task<int> RunAsync()
    {
        var pids = new List<int>();
        var code = await RunClusterAsync(pids);
        var running = pids.Count(IsRunning);
        Console.WriteLine(
            pids.Count == 0 ? $"Stopped after {wall.Elapsed.TotalSeconds:F1} s: the coordinator left the cluster (its nodes shut down when it leaves)."
            : running == 0 ? $"Stopped after {wall.Elapsed.TotalSeconds:F1} s: the coordinator left the cluster and {pids.Count} node processes exited."
            : $"{running} of {pids.Count} node processes are still running.");
        return code;
    }

    private async Task<int> RunClusterAsync(List<int> pids)
    {
        var secret = Secret();
        await using var executor = new ClusterPoolExecutor(new ClusterPoolExecutorOptions
        {
            Secret = secret,
            Hostname = network is null ? options.Host : PartitionNetwork.CoordinatorAddress,
            Port = options.Port,
            Config = network is null ? OwnShutdown.WithFallback(options.Config) : OwnShutdown.WithFallback(PrivateNetwork).WithFallback(options.Config),
        });
        using IDemoNodes nodes = network is null ? new LocalNodes() : new NamespacedNodes(network); // disposed first: nodes leave while the coordinator is still up
        Console.WriteLine($"Coordinator {executor.Address} (pid {Environment.ProcessId})");
        var finished = false;
        try
        {
            if (options.CoordinatorOnly)
            {
                await WaitForOutsideNodesAsync(executor, secret);
            }
            else
            {
                nodes.Start(executor.Address, secret, options.Nodes, options.Workers, view.Event);
                pids.AddRange(nodes.Pids);
                await executor.WaitForWorkersAsync(options.Nodes * options.Workers, JoinTimeout).WaitAsync(cancel);
            }

            var startup = wall.Elapsed;
            Console.WriteLine($"{executor.Workers} node workers ready after {startup.TotalSeconds:F1} s.");
            var workload = Workload.Submit(executor);
            tally = new Tally(workload.Count);
            foreach (var pid in nodes.Pids)
            {
                tally.Add(Label(pid, Environment.MachineName));
            }

            foreach (var future in workload.All)
            {
                future.AddDoneCallback(Completed);
            }

            Console.WriteLine($"Submitted {workload.Count} calls: {workload.Sleeps.Count} sleeping 0.5-1.5 s, {workload.Primes.Count} counting primes.");
            if (view.Show(() => Watch(nodes)))
            {
                Summary.Print(tally.Read(), workload, startup, tally.Elapsed, victim is not { } v ? null : (Label(v, Environment.MachineName), killedAt, disruption));
                Console.WriteLine("Stopping the nodes (they leave the cluster), then the coordinator.");
                finished = true;
                return 0;
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
        finally
        {
            if (!finished)
            {
                // Interrupted or failed: no call may stay queued, since the nodes are about to go.
                executor.Shutdown(wait: false, cancelFutures: true);
            }
        }

        view.Event("Interrupted: the queued calls are canceled; the nodes finish the ones they hold, then leave.");
        return 130;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
    }

    private static string Label(int pid, string machine) => machine == Environment.MachineName ? $"pid {pid}" : $"{machine} pid {pid}";

    private string Secret() =>
        options.CoordinatorOnly && Environment.GetEnvironmentVariable("ACTORPOOL_CLUSTER_SECRET") is { Length: > 0 } given
            ? given
            : Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private async Task WaitForOutsideNodesAsync(ClusterPoolExecutor executor, string secret)
    {
        Console.WriteLine($"""
            Waiting for worker nodes. Start each one, on this machine or another, with:
              ACTORPOOL_CLUSTER_SECRET={secret} dotnet run --project samples/LocalCluster -- node --seed {executor.Address}
            On another machine, give the node --host <an address of its own that this machine reaches>, and start this
            coordinator with --host too (see the README: public-hostname and TLS). Nodes may also join mid-run.
            """);
        await executor.WaitForWorkersAsync(1, Timeout.InfiniteTimeSpan).WaitAsync(cancel);
        Console.WriteLine($"A node joined; waiting {LateJoiners.TotalSeconds:F0} s for others.");
        await Task.Delay(LateJoiners, cancel);
    }

    /// <summary>Draws progress until every call is done, killing a node a third of the way; false if interrupted.</summary>
    private bool Watch(IDemoNodes nodes)
    {
        while (!cancel.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(100)))
        {
            var counts = tally.Read();
            if (counts.Done == counts.Total)
            {
                view.Finish(counts, tally.Elapsed);
                return true;
            }

            if (options.Kill && !options.CoordinatorOnly && !killDecided && counts.Done >= counts.Total / 3)
            {
                Kill(nodes, counts);
            }

            view.Update(counts, tally.Elapsed);
        }

        return false;
    }

    private void Kill(IDemoNodes nodes, Tally.Snapshot counts)
    {
        killDecided = true;
        if (nodes.Pids.Count < 2)
        {
            view.Event($"Taking no node away ({nodes.Disruption}): the demo needs another to finish the calls (--nodes 2 or more).");
            return;
        }

        var doomed = nodes.Pids.Count / 2;
        killedAt = tally.Elapsed;
        victim = nodes.Pids[doomed];
        disruption = nodes.Disruption;
        var done = nodes.Disrupt(doomed);
        tally.Note(Label(nodes.Pids[doomed], Environment.MachineName), disruption == "SIGKILL" ? "killed" : disruption);
        view.Event($"{done} at {killedAt.TotalSeconds:F1} s, {counts.Done}/{counts.Total} calls done.");
    }

    // A done-callback: runs on whichever thread completed the future.
    private void Completed(Future future)
    {
        if (future.IsCanceled)
        {
            return; // interrupted
        }

        if (future.Exception() is not { } error)
        {
            var ran = (IRanOn)future.Result()!;
            tally.Succeeded(Label(ran.Pid, ran.Machine));
            return;
        }

        var node = error switch
        {
            BrokenClusterPoolException broken when victim is { } v && broken.Message.Contains($"(pid {v})", StringComparison.Ordinal) =>
                Label(v, Environment.MachineName),
            BrokenClusterPoolException { Node: { } address } => address,
            _ => $"({error.GetType().Name})",
        };
        tally.Failed(node);
        if (Interlocked.Exchange(ref failuresReported, 1) == 0)
        {
            if (error is BrokenClusterPoolException { Node: { } at })
            {
                tally.Note(node, at);
            }

            var when = victim is null ? $"At {tally.Elapsed.TotalSeconds:F1} s" : $"{(tally.Elapsed - killedAt).TotalSeconds:F1} s after the {(disruption == "SIGKILL" ? "kill" : "cut")}";
            view.Event($"{when}, a call failed with {error.GetType().Name}: {error.Message}");
        }
    }
}
