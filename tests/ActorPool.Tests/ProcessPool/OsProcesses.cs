using ActorPool.Tests.Contract;
using System.Diagnostics;
using System.Globalization;

namespace ActorPool.Tests.ProcessPool;

/// <summary>Looks at and kills operating-system processes by pid: worker processes and the orphan test's parent.</summary>
internal static class OsProcesses
{
    /// <summary>
    /// True while <paramref name="pid"/> runs. On Linux a process that has exited but was not reaped yet (a zombie,
    /// as an orphaned worker whose new parent does not reap it) counts as exited.
    /// </summary>
    public static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{pid}/stat");
            }
            catch (IOException)
            {
                return false;
            }

            // "pid (command) state ...": the state letter follows the last ')'.
            var state = stat[stat.LastIndexOf(')') + 2];
            return state is not ('Z' or 'X');
        }

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

    /// <summary>Waits (polling) until <paramref name="pid"/> no longer runs; false if it still runs after <paramref name="timeout"/>.</summary>
    public static bool WaitForExit(int pid, TimeSpan timeout) => SharedState.PollUntil(() => !IsRunning(pid), timeout);

    /// <summary>Kills <paramref name="pid"/> (SIGKILL on Linux), as the operating system would kill a crashing process.</summary>
    public static void Kill(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Kill();
    }

    /// <summary>
    /// Cleans up after a test: kills <paramref name="pid"/> if it still runs and is a worker process (or node) that ActorPool
    /// started, so a recycled pid is left alone. Never throws.
    /// </summary>
    public static void KillWorkerIfStillRunning(int pid)
    {
        try
        {
            if (IsRunning(pid) && StartedAsActorPoolProgram(pid))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            // already gone
        }
    }

    /// <summary>
    /// True if the process was started with <c>ACTORPOOL_PROGRAM</c> set, as ActorPool starts every worker process and local
    /// node (the app itself, so its command line tells nothing). Its environment at start is readable on Linux only;
    /// elsewhere this says false, so nothing is killed.
    /// </summary>
    private static bool StartedAsActorPoolProgram(int pid) =>
        OperatingSystem.IsLinux()
        && File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ").Split('\0').Any(entry => entry.StartsWith("ACTORPOOL_PROGRAM=", StringComparison.Ordinal));
}
