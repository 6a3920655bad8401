using System.Globalization;
using System.Diagnostics;
using System.Security.Cryptography;
using ActorPool.Tests.Support;
using Xunit.Abstractions;

namespace ActorPool.Tests.Cluster.Partitions;

/// <summary>
/// A cluster whose every member has a network namespace of its own on a private bridge (<see cref="NetworkNamespaces"/>):
/// the coordinator is tests/PartitionCoordinator in a child process (the test host cannot move into a namespace, and a
/// test must be able to kill the coordinator), and the nodes are the node program, ActorPool.Cluster.dll, on that
/// program's dependency graph. Both take a test HOCON that shortens the failure detector and the split-brain resolver's
/// stable-after, so a partition is seen and settled within seconds. Disposing kills every process and deletes the
/// namespaces and the files, whatever the test left.
/// </summary>
internal sealed partial class PartitionedCluster : IDisposable
{
    public const int NodeWorkers = 2;

    /// <summary>Generous: a bound that only a hang reaches, never a slow run.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    // The bridge connects only namespaces this test made, so plaintext is safe here. Detection: unreachable after
    // about 2 s of silence, downed 3 s after that (the defaults are 3 s and 5 s).
    private const string Hocon = """
        actorpool.cluster.allow-insecure-plaintext-network = on
        akka.cluster.failure-detector.heartbeat-interval = 500ms
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 2s
        akka.cluster.split-brain-resolver.stable-after = 3s
        """;

    private readonly NetworkNamespaces network;
    private readonly string directory;
    private readonly string config;
    private readonly string secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly List<Node> nodes = [];
    private readonly ITestOutputHelper output;

    private PartitionedCluster(NetworkNamespaces network, ITestOutputHelper output, string overrides)
    {
        this.network = network;
        this.output = output;
        directory = Directory.CreateTempSubdirectory("actorpool-partition-").FullName;
        config = Path.Combine(directory, "test.conf");
        File.WriteAllText(config, Hocon + "\n" + overrides);
        Marks = Path.Combine(directory, "marks");
        Directory.CreateDirectory(Marks);
    }

    public TestProgram Coordinator { get; private set; } = null!;

    /// <summary>The nodes started, in order, restarted ones included.</summary>
    public IReadOnlyList<Node> Nodes => nodes;

    /// <summary>The coordinator's cluster address, which nodes join.</summary>
    public string Address { get; private set; } = "";

    /// <summary>Where the calls leave their marks (see tests/PartitionCoordinator/Calls.cs).</summary>
    public string Marks { get; }

    /// <summary>
    /// Makes the network, starts the coordinator and <paramref name="nodes"/> nodes, and waits until all their workers are
    /// attached; <paramref name="overrides"/> is HOCON over the test settings, for every member.
    /// </summary>
    public static PartitionedCluster Start(int nodes, ITestOutputHelper output, string overrides = "")
    {
        var cluster = new PartitionedCluster(NetworkNamespaces.Create(), output, overrides);
        try
        {
            var place = cluster.network.Add("coordinator");
            var start = place.Inside(TestProgram.StartInfo("PartitionCoordinator", "--host", place.Address, "--config", cluster.config));
            start.Environment["ACTORPOOL_CLUSTER_SECRET"] = cluster.secret;
            cluster.Coordinator = TestProgram.Start(start);
            cluster.Address = cluster.Coordinator.Expect("address: ", Bound);
            for (var i = 1; i <= nodes; i++)
            {
                cluster.StartNode(cluster.network.Add($"node{i}"));
            }

            cluster.WaitForWorkers(nodes * NodeWorkers);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Starts a node program in <paramref name="place"/>; its stdin stays open (a node told to read the secret from stdin leaves when it ends).</summary>
    public Node StartNode(NetworkNamespaces.Member place)
    {
        var start = place.Inside(TestProgram.StartInfoOn("PartitionCoordinator", "ActorPool.Cluster.dll",
            "--seed", Address, "--host", place.Address, "--workers", NodeWorkers.ToString(CultureInfo.InvariantCulture),
            "--config", config, "--secret-stdin"));
        var node = new Node(TestProgram.Start(start), place);
        nodes.Add(node);
        node.Program.Send(secret);
        return node;
    }

    public void WaitForWorkers(int count)
    {
        Coordinator.Send($"workers {count}");
        Coordinator.Expect("workers: ", Bound);
    }

    /// <summary>Waits until the coordinator's side has downed and removed <paramref name="node"/>.</summary>
    public void WaitUntilRemoved(Node node)
    {
        Coordinator.Send($"removed {node.Place.Address}");
        Coordinator.Expect($"removed: {node.Place.Address}", Bound);
    }

    /// <summary>Submits <paramref name="count"/> calls that each sleep <paramref name="milliseconds"/> (with a retry policy for a node's death, if <paramref name="retry"/>).</summary>
    public void Run(string batch, int count, int milliseconds, bool retry = false)
    {
        Coordinator.Send(string.Create(CultureInfo.InvariantCulture, $"run {batch} {count} {milliseconds} {(retry ? 1 : 0)} {Marks}"));
        Coordinator.Expect($"submitted: {batch}", Bound);
    }

    /// <summary>Waits until <paramref name="count"/> calls of <paramref name="batch"/> have started somewhere.</summary>
    public void WaitForStarts(string batch, int count)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (Starts(batch).Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Only {Starts(batch).Count} of {count} calls of batch {batch} started within {Bound}.");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>For each call of <paramref name="batch"/> that started, the pids of the nodes it started on (more than one if it was retried).</summary>
    public Dictionary<int, List<int>> Starts(string batch) =>
        Directory.GetFiles(Marks, $"{batch}-*.start")
            .Select(file => MarkName().Match(Path.GetFileName(file)))
            .Where(match => match.Success)
            .GroupBy(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match => int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            .ToDictionary(group => group.Key, group => group.ToList());

    /// <summary>Waits for every future of <paramref name="batch"/> (up to <see cref="Bound"/>), and what became of each.</summary>
    public Settled Settle(string batch)
    {
        Coordinator.Send(string.Create(CultureInfo.InvariantCulture, $"settle {batch} {(int)Bound.TotalSeconds}"));
        var calls = new List<Call>();
        while (true)
        {
            var line = Coordinator.Expect("", Bound);
            if (line.StartsWith("settled: ", StringComparison.Ordinal))
            {
                var counts = line.Split(' ').Skip(2).Select(pair => pair.Split('=')).ToDictionary(pair => pair[0], pair => int.Parse(pair[1], CultureInfo.InvariantCulture));
                var settled = new Settled(calls, counts["lost"], counts["twice"]);
                output.WriteLine($"Batch {batch}: {line["settled: ".Length..]}");
                return settled;
            }

            if (line.StartsWith("call: ", StringComparison.Ordinal))
            {
                calls.Add(Call.Parse(line["call: ".Length..]));
            }
            else if (line.StartsWith("error: ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The coordinator: {line}");
            }
        }
    }

    public void Dispose()
    {
        foreach (var node in nodes)
        {
            node.Program.Dispose(); // kills what is still running: SIGKILL reaches a frozen node too
        }

        Coordinator?.Dispose();
        network.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[^-]+-(\d+)-(\d+)\.start$")]
    private static partial System.Text.RegularExpressions.Regex MarkName();

    /// <summary>A node program in its namespace.</summary>
    internal sealed record Node(TestProgram Program, NetworkNamespaces.Member Place)
    {
        public int Pid => Program.Pid;

        /// <summary>Freezes the node (SIGSTOP): alive, but it answers nothing, as a machine swapping or a VM paused.</summary>
        public void Freeze() => Signal("STOP");

        public void Thaw() => Signal("CONT");

        private void Signal(string signal)
        {
            using var kill = Process.Start("kill", [$"-{signal}", Pid.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
            if (kill.ExitCode != 0)
            {
                throw new InvalidOperationException($"kill -{signal} {Pid} failed ({kill.ExitCode}).");
            }
        }
    }

    /// <summary>One call's outcome: its index, ok/failed/lost, the pid that answered (ok), the exception type and node (failed), and when it settled, in ms after the settle command.</summary>
    internal sealed record Call(int Index, string Outcome, int Pid, string Error, string Node, long SettledAfterMs)
    {
        // "BATCH I ok PID +MS", "BATCH I failed TYPE NODE attempts=N +MS", "BATCH I lost"
        public static Call Parse(string text)
        {
            var parts = text.Split(' ');
            var index = int.Parse(parts[1], CultureInfo.InvariantCulture);
            return parts[2] switch
            {
                "ok" => new Call(index, "ok", int.Parse(parts[3], CultureInfo.InvariantCulture), "", "", Ms(parts[4])),
                "failed" => new Call(index, "failed", 0, parts[3], parts[4], Ms(parts[6])),
                _ => new Call(index, parts[2], 0, "", "", 0),
            };

            static long Ms(string part) => long.Parse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A batch's outcome: each call, the futures not done at the deadline, and those whose done callbacks ran more than once.</summary>
    internal sealed record Settled(List<Call> Calls, int Lost, int Twice)
    {
        public List<Call> Ok => Calls.Where(c => c.Outcome == "ok").ToList();

        public List<Call> Failed => Calls.Where(c => c.Outcome == "failed").ToList();
    }
}
