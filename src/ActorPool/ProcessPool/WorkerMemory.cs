using System.Diagnostics;
using System.Globalization;

namespace ActorPool.ProcessPool;

/// <summary>
/// How much memory a worker process uses, as its parent sees it: its resident set size (RSS), the bytes of its memory in
/// RAM. On Linux, read from <c>/proc/&lt;pid&gt;/statm</c>, one small read without allocating; elsewhere, the process's
/// <see cref="Process.WorkingSet64"/> (the working set on Windows, the resident size on macOS), which reads more and allocates.
/// </summary>
/// <remarks>
/// RSS rather than the GC heap or committed (virtual) memory because it is what the machine runs out of, what the OS's
/// out-of-memory killer and container limits count, and what Dask, loky and Ray limit; it includes the runtime and the
/// shared libraries every worker maps (about 40-60 MB for an idle worker), so a limit must sit well above that.
/// </remarks>
internal static class WorkerMemory
{
    private static readonly long PageSize = Environment.SystemPageSize;

    /// <summary>The resident bytes of the running process <paramref name="process"/> (<paramref name="pid"/>); null if it has exited or cannot be read.</summary>
    public static long? Resident(Process process, int pid)
    {
        try
        {
            return OperatingSystem.IsLinux() ? FromStatm(pid) : FromProcess(process);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or NotSupportedException
                                       or System.ComponentModel.Win32Exception or ObjectDisposedException)
        {
            return null; // exited (its exit event settles it) or not readable here: nothing to act on
        }
    }

    /// <summary>statm's second field: resident pages.</summary>
    private static long? FromStatm(int pid)
    {
        Span<byte> text = stackalloc byte[128]; // seven counts of pages: far less than this
        int length;
        using (var handle = File.OpenHandle($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/statm"))
        {
            length = RandomAccess.Read(handle, text, 0);
        }

        return ParseStatm(text[..length]) is { } pages ? pages * PageSize : null;
    }

    /// <summary>The resident pages in the text of a statm file, or null if it is not one.</summary>
    internal static long? ParseStatm(ReadOnlySpan<byte> statm)
    {
        var space = statm.IndexOf((byte)' ');
        if (space < 0)
        {
            return null;
        }

        var rest = statm[(space + 1)..];
        var end = rest.IndexOfAny((byte)' ', (byte)'\n');
        var field = end < 0 ? rest : rest[..end];
        return field.Length > 0 && long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var pages) ? pages : null;
    }

    private static long? FromProcess(Process process)
    {
        process.Refresh();
        return process.HasExited ? null : process.WorkingSet64;
    }
}
