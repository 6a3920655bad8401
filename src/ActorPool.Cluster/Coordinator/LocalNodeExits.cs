namespace ActorPool.Cluster.Coordinator;

/// <summary>
/// A <see cref="LocalNodeProcess"/> whose process ended: <paramref name="Role"/> is the cluster role only that node has,
/// which is how an executor finds its member without trusting a process id (another machine's node may have the same).
/// </summary>
internal sealed record LocalNodeExit(string Role, int Pid, int ExitCode)
{
    /// <summary>How the process ended, for a call's failure and the log: its exit code, and on Unix the signal behind one over 128.</summary>
    public string Describe() =>
        !OperatingSystem.IsWindows() && ExitCode is > 128 and < 160
            ? $"exited with code {ExitCode} (killed by {SignalName(ExitCode - 128)})"
            : $"exited with code {ExitCode}";

    private static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => $"signal {signal}",
    };
}

/// <summary>
/// Where the <see cref="LocalNodeProcess"/>es of this process report their exits, and every cluster executor in this
/// process hears of them (its membership actor subscribes): a child's exit is seen at once, as a process pool sees its
/// workers', where the failure detector would take seconds.
/// </summary>
internal static class LocalNodeExits
{
    private const string RolePrefix = "actorpool-local-node-";

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");
    private static readonly object Gate = new();
    private static Action<LocalNodeExit>? listeners;

    public static void Subscribe(Action<LocalNodeExit> listener)
    {
        lock (Gate)
        {
            listeners += listener;
        }
    }

    public static void Unsubscribe(Action<LocalNodeExit> listener)
    {
        lock (Gate)
        {
            listeners -= listener;
        }
    }

    public static void Report(LocalNodeExit exit)
    {
        Action<LocalNodeExit>? current;
        lock (Gate)
        {
            current = listeners;
        }

        current?.Invoke(exit);
    }

    /// <summary>A new role to mark the node a <see cref="LocalNodeProcess"/> starts.</summary>
    public static string NewRole() => RolePrefix + Guid.NewGuid().ToString("N");

    /// <summary>True for a role <see cref="NewRole"/> makes (its prefix and 32 hex digits): a node takes no other from its command line.</summary>
    public static bool IsLocalNodeRole(string role) =>
        role.Length == RolePrefix.Length + 32 && role.StartsWith(RolePrefix, StringComparison.Ordinal) && !role.AsSpan(RolePrefix.Length).ContainsAnyExcept(HexDigits);
}
