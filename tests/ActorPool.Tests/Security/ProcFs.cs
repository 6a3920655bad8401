using System.Globalization;

namespace ActorPool.Tests.Security;

/// <summary>What Linux's /proc says of a process: its children, threads, resident memory and listening TCP ports.</summary>
internal static class ProcFs
{
    /// <summary>The process's direct children.</summary>
    public static IReadOnlyList<int> Children(int pid)
    {
        var children = new List<int>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            var text = TryRead(Path.Combine(task, "children"));
            children.AddRange(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture)));
        }

        return children;
    }

    public static int Threads(int pid) => int.Parse(Status(pid, "Threads:"), CultureInfo.InvariantCulture);

    public static long ResidentBytes(int pid) => long.Parse(Status(pid, "VmRSS:").Split(' ')[0], CultureInfo.InvariantCulture) * 1024;

    /// <summary>The TCP ports the process listens on (IPv4 and IPv6): its sockets' inodes matched with /proc/net/tcp.</summary>
    public static IReadOnlyList<int> ListeningPorts(int pid)
    {
        var inodes = new HashSet<string>();
        foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        var ports = new List<int>();
        foreach (var table in new[] { $"/proc/{pid}/net/tcp", $"/proc/{pid}/net/tcp6" })
        {
            foreach (var line in TryRead(table).Split('\n').Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[3] == "0A" && inodes.Contains(fields[9]))
                {
                    ports.Add(int.Parse(fields[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
        }

        return ports;
    }

    private static string Status(int pid, string key) =>
        File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(key, StringComparison.Ordinal))[key.Length..].Trim();

    private static string TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
