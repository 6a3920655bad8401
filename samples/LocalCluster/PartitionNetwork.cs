using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace LocalCluster;

/// <summary>
/// The network of <c>--partition</c>: a namespace for the coordinator and one per node, each linked by a veth pair to a
/// bridge in a hub namespace, with addresses 10.213.0.1 (the coordinator), 10.213.0.2... (the nodes) that exist only in
/// those namespaces. All of it is made with <c>ip -n</c> directly inside them, so this machine's own interfaces,
/// addresses and routes are never touched; deleting the namespaces deletes the rest. Cutting a node off takes its
/// bridge port down: its packets are dropped silently, as on a pulled cable.
/// </summary>
/// <remarks>
/// The tests have their own copy (tests/ActorPool.Tests/Cluster/Partitions): a sample stays self-contained. Names are
/// <c>aplocal-{launcher pid}-{random}-*</c>, so a run sweeps what one killed before it could clean up left behind.
/// </remarks>
internal sealed class PartitionNetwork
{
    private const string Prefix = "aplocal-";

    private PartitionNetwork(string name, int nodes) => (Name, Nodes) = (name, nodes);

    /// <summary>The run's name, the prefix of its namespaces' names.</summary>
    public string Name { get; }

    public int Nodes { get; }

    public string CoordinatorNamespace => $"{Name}-coordinator";

    public const string CoordinatorAddress = "10.213.0.1";

    private string Hub => $"{Name}-hub";

    /// <summary>What <c>--partition</c> lacks here (root, or iproute2's <c>ip</c> with namespaces), or null when it can run.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "--partition uses Linux network namespaces; this is not Linux.";
        }

        if (!File.ReadLines("/proc/self/status").Any(line => line.StartsWith("Uid:", StringComparison.Ordinal) && line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2] == "0"))
        {
            return "--partition makes network namespaces (ip netns), which needs root: run it as root, e.g. " +
                   "sudo \"$(command -v dotnet)\" run --project samples/LocalCluster -- --partition. Nothing was started.";
        }

        if (!(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(directory => File.Exists(Path.Combine(directory, "setsid"))))
        {
            return "--partition runs the coordinator in a session of its own with setsid (util-linux), which is not on the PATH. Nothing was started.";
        }

        try
        {
            Ip("netns", "list");
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"--partition needs iproute2's 'ip' with network namespace support: {e.Message}. Nothing was started.";
        }
    }

    /// <summary>Makes the hub, the coordinator's namespace and <paramref name="nodes"/> node namespaces; deletes what it made if a step fails.</summary>
    public static PartitionNetwork Create(int nodes)
    {
        SweepLeftovers();
        var name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}");
        var network = new PartitionNetwork(name, nodes);
        try
        {
            Ip("netns", "add", network.Hub);
            Ip("-n", network.Hub, "link", "add", "br0", "type", "bridge");
            Ip("-n", network.Hub, "link", "set", "br0", "up");
            network.Link(network.CoordinatorNamespace, 1);
            for (var i = 0; i < nodes; i++)
            {
                network.Link(network.NodeNamespace(i), i + 2);
            }

            return network;
        }
        catch
        {
            network.Delete();
            throw;
        }
    }

    /// <summary>The network <see cref="Create"/> made in the parent process, as the coordinator inside it sees it.</summary>
    public static PartitionNetwork Existing(string name, int nodes) => new(name, nodes);

    public string NodeNamespace(int node) => string.Create(CultureInfo.InvariantCulture, $"{Name}-node{node + 1}");

    public static string NodeAddress(int node) => string.Create(CultureInfo.InvariantCulture, $"10.213.0.{node + 2}");

    /// <summary>Cuts node <paramref name="node"/> off from everyone.</summary>
    public void Cut(int node) => Ip("-n", Hub, "link", "set", Port(node + 2), "down");

    /// <summary>Kills what still runs in the namespaces (a node that would not stop), then deletes them.</summary>
    public void Delete()
    {
        foreach (var name in Enumerable.Range(0, Nodes).Select(NodeNamespace).Prepend(CoordinatorNamespace).Append(Hub))
        {
            DeleteNamespace(name);
        }
    }

    /// <summary>Deletes the namespaces of an earlier run that was killed before it could (its launcher's pid is in their names).</summary>
    private static void SweepLeftovers()
    {
        foreach (var line in Ip("netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (name.StartsWith(Prefix, StringComparison.Ordinal)
                && int.TryParse(name[Prefix.Length..].Split('-')[0], CultureInfo.InvariantCulture, out var launcher)
                && !Alive(launcher))
            {
                DeleteNamespace(name);
            }
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void DeleteNamespace(string name)
    {
        foreach (var pid in Try("netns", "pids", name).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                using var process = Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture));
                process.Kill();
            }
            catch (ArgumentException)
            {
                // already gone
            }
        }

        Try("netns", "delete", name);
    }

    /// <summary><paramref name="start"/> run inside namespace <paramref name="name"/> (<c>ip netns exec</c> runs it in its own place: same pid).</summary>
    public static ProcessStartInfo Inside(string name, ProcessStartInfo start)
    {
        var inside = new ProcessStartInfo("ip")
        {
            UseShellExecute = false,
            RedirectStandardInput = start.RedirectStandardInput,
            RedirectStandardOutput = start.RedirectStandardOutput,
            RedirectStandardError = start.RedirectStandardError,
        };
        foreach (var arg in new[] { "netns", "exec", name, start.FileName }.Concat(start.ArgumentList))
        {
            inside.ArgumentList.Add(arg);
        }

        return inside;
    }

    private static string Port(int number) => string.Create(CultureInfo.InvariantCulture, $"p{number}");

    private void Link(string name, int number)
    {
        Ip("netns", "add", name);
        Ip("-n", Hub, "link", "add", Port(number), "type", "veth", "peer", "name", "eth0", "netns", name);
        Ip("-n", Hub, "link", "set", Port(number), "master", "br0");
        Ip("-n", Hub, "link", "set", Port(number), "up");
        Ip("-n", name, "addr", "add", string.Create(CultureInfo.InvariantCulture, $"10.213.0.{number}/24"), "dev", "eth0");
        Ip("-n", name, "link", "set", "eth0", "up");
        Ip("-n", name, "link", "set", "lo", "up");
    }

    private static string Try(params string[] args)
    {
        try
        {
            return Ip(args);
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }

    private static string Ip(params string[] args)
    {
        var start = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start 'ip'");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"'ip {string.Join(' ', args)}' failed: {error.Result.Trim()}");
    }
}
