using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace ActorPool.Tests.Cluster.Partitions;

/// <summary>
/// A private network for one test: a hub namespace holding a bridge, and one namespace per member, each linked to the
/// bridge by a veth pair, with an address in 10.213.0.0/24 that exists only inside these namespaces. Everything is made
/// directly in the namespaces (<c>ip -n</c>), so the host's own interfaces, addresses and routes are never touched.
/// Cutting a member off takes its port on the bridge down: its packets are then dropped silently, as on a pulled cable
/// (taking the member's own end down would instead fail its sends at once, which no real partition does).
/// </summary>
/// <remarks>
/// Names are <c>apnet-{pid}-{random}-{member}</c>: the pid lets the next run sweep what a crashed run left (namespaces
/// whose run is no longer alive, with any process still in them), the random part keeps concurrent runs apart.
/// </remarks>
internal sealed class NetworkNamespaces : IDisposable
{
    private const string Prefix = "apnet-";
    private const string Subnet = "10.213.0";

    private readonly string run;
    private readonly List<string> members = [];
    private bool disposed;

    private NetworkNamespaces(string run) => this.run = run;

    /// <summary>Why these tests cannot run here (not root, or no <c>ip</c> with namespaces), or null when they can.</summary>
    public static string? Unavailable { get; } = FindUnavailable();

    private string Hub => $"{run}-hub";

    /// <summary>Sweeps leftovers of crashed runs, then makes the hub with its bridge.</summary>
    public static NetworkNamespaces Create()
    {
        SweepLeftovers();
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var network = new NetworkNamespaces(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{suffix}"));
        try
        {
            Ip("netns", "add", network.Hub);
            Ip("-n", network.Hub, "link", "add", "br0", "type", "bridge");
            Ip("-n", network.Hub, "link", "set", "br0", "up");
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Adds a member's namespace on the bridge and answers its address (10.213.0.1 for the first, and so on).</summary>
    public Member Add(string name)
    {
        var number = members.Count + 1;
        var member = new Member(this, $"{run}-{name}", $"p{number}", string.Create(CultureInfo.InvariantCulture, $"{Subnet}.{number}"));
        members.Add(member.Namespace);
        Ip("netns", "add", member.Namespace);
        Ip("-n", Hub, "link", "add", member.Port, "type", "veth", "peer", "name", "eth0", "netns", member.Namespace);
        Ip("-n", Hub, "link", "set", member.Port, "master", "br0");
        Ip("-n", Hub, "link", "set", member.Port, "up");
        Ip("-n", member.Namespace, "addr", "add", $"{member.Address}/24", "dev", "eth0");
        Ip("-n", member.Namespace, "link", "set", "eth0", "up");
        Ip("-n", member.Namespace, "link", "set", "lo", "up");
        return member;
    }

    /// <summary>Stops every process still in the namespaces, then deletes them (their veth pairs and the bridge go with them).</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (var name in members.Append(Hub))
        {
            Delete(name);
        }
    }

    /// <summary>One member's namespace, its address, and its port on the bridge.</summary>
    internal sealed record Member(NetworkNamespaces Network, string Namespace, string Port, string Address)
    {
        /// <summary>Cuts the member off: no packet reaches it or leaves it (dropped at the bridge, silently).</summary>
        public void Cut() => Ip("-n", Network.Hub, "link", "set", Port, "down");

        /// <summary>Heals the cut.</summary>
        public void Heal() => Ip("-n", Network.Hub, "link", "set", Port, "up");

        /// <summary><paramref name="start"/> run inside this namespace: <c>ip netns exec</c> runs the program in its own place (same pid).</summary>
        public ProcessStartInfo Inside(ProcessStartInfo start)
        {
            var inside = new ProcessStartInfo("ip")
            {
                UseShellExecute = false,
                RedirectStandardInput = start.RedirectStandardInput,
                RedirectStandardOutput = start.RedirectStandardOutput,
                RedirectStandardError = start.RedirectStandardError,
                WorkingDirectory = start.WorkingDirectory,
            };
            foreach (var arg in new[] { "netns", "exec", Namespace, start.FileName }.Concat(start.ArgumentList))
            {
                inside.ArgumentList.Add(arg);
            }

            foreach (var (key, value) in start.Environment)
            {
                inside.Environment[key] = value;
            }

            return inside;
        }
    }

    private static void SweepLeftovers()
    {
        foreach (var line in Ip("netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = line.Split(' ')[0];
            if (name.StartsWith(Prefix, StringComparison.Ordinal)
                && int.TryParse(name[Prefix.Length..].Split('-')[0], CultureInfo.InvariantCulture, out var owner)
                && !Alive(owner))
            {
                Delete(name);
            }
        }
    }

    private static void Delete(string name)
    {
        // A process left inside (a node the test could not stop) would keep nothing alive but itself: kill it first.
        foreach (var pid in Try("netns", "pids", name).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(pid, CultureInfo.InvariantCulture, out var id) && Alive(id))
            {
                using var process = Process.GetProcessById(id);
                process.Kill();
                process.WaitForExit(10_000);
            }
        }

        Try("netns", "delete", name);
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

    private static string? FindUnavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "Network namespaces are Linux's.";
        }

        if (!IsRoot())
        {
            return "Making network namespaces needs root (CI runs these tests as root).";
        }

        try
        {
            Ip("netns", "list");
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"No usable 'ip' (iproute2) with network namespaces: {e.Message}";
        }
    }

    /// <summary>True when this process's effective user id (the second on /proc's <c>Uid:</c> line) is root's.</summary>
    private static bool IsRoot() =>
        File.ReadLines("/proc/self/status").Any(line => line.StartsWith("Uid:", StringComparison.Ordinal) && line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2] == "0");

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

    /// <summary>Runs <c>ip</c>; its output, or an <see cref="InvalidOperationException"/> with its error.</summary>
    private static string Ip(params string[] args)
    {
        var start = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start 'ip'.");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"'ip {string.Join(' ', args)}' failed ({process.ExitCode}): {error.Result.Trim()}");
    }
}
