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
    /// Cleans up after a test: kills <paramref name="pid"/> if it still runs and its command line contains
    /// <paramref name="commandLinePart"/> (so a recycled pid is left alone). Never throws.
    /// </summary>
    public static void KillIfStillRunning(int pid, string commandLinePart)
    {
        try
        {
            if (IsRunning(pid) && CommandLine(pid).Contains(commandLinePart, StringComparison.Ordinal))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            // already gone
        }
    }

    /// <summary>The process's command line where the OS tells it (Linux); elsewhere its name.</summary>
    private static string CommandLine(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Replace('\0', ' ');
        }

        using var process = Process.GetProcessById(pid);
        return process.MainModule?.FileName ?? process.ProcessName;
    }
}
