using System.IO.MemoryMappedFiles;

namespace ActorPool.Wire;

/// <summary>
/// Who gets a call that a worker process holds but has not started: the worker (it starts it) or the parent (a
/// user's <c>Cancel()</c>, or the router taking it back for an idle worker). One 64-bit word per slot, in a small
/// file both processes map, decided by one compare-and-swap, so <c>Cancel()</c> can answer at once and exactly
/// while calls are sent ahead of time: a call either runs or is canceled, never both, never neither.
/// </summary>
/// <remarks>
/// A word holds <c>id &lt;&lt; 2 | state</c>; the id makes a late swap on a reused slot fail instead of deciding
/// the wrong call. A slot is reused only after the worker has answered for its call. The file lives in
/// <c>/dev/shm</c> where there is one (memory, never disk), readable by this user only, and is deleted once
/// the worker has mapped it (or with the pool).
/// </remarks>
internal sealed unsafe class ClaimBoard : IDisposable
{
    private const long Offered = 0;
    private const long Started = 1;
    private const long Canceled = 2;
    private const long TakenBack = 3;

    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;
    private readonly long* words;
    private string? path;

    private ClaimBoard(string path, int slots)
    {
        this.path = path;
        Slots = slots;
        file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, Bytes(slots), MemoryMappedFileAccess.ReadWrite);
        view = file.CreateViewAccessor(0, Bytes(slots), MemoryMappedFileAccess.ReadWrite);
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        words = (long*)(start + view.PointerOffset);
    }

    public int Slots { get; }

    /// <summary>The file to hand the worker; null once deleted.</summary>
    public string? Path => path;

    private static int swept;

    /// <summary>Files looked at per sweep at most, so files planted by others cannot make it run long.</summary>
    private const int MaxSwept = 10_000;

    /// <summary>A new board for a worker that may hold <paramref name="slots"/> calls.</summary>
    public static ClaimBoard Create(int slots)
    {
        var folder = Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        if (Interlocked.Exchange(ref swept, 1) == 0)
        {
            // Off the launch path: the folder may hold many files (any local user can write to /dev/shm).
            _ = Task.Run(() => SweepStale(folder));
        }

        var path = System.IO.Path.Combine(folder, $"actorpool-{Environment.ProcessId}-{Guid.NewGuid():N}.claims");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite | FileShare.Delete };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // another local user must not decide our calls
        }

        using (var stream = new FileStream(path, options))
        {
            stream.SetLength(Bytes(slots));
        }

        return new ClaimBoard(path, slots);
    }

    /// <summary>
    /// Deletes the boards of processes that are gone: a parent killed between making a board and its worker mapping it
    /// leaves its file behind (it is unlinked as soon as the worker has it). Files are named by their parent's pid, so
    /// the first pool of each process cleans up after the dead.
    /// </summary>
    internal static int SweepStale(string folder)
    {
        var deleted = 0;
        try
        {
            foreach (var file in Directory.EnumerateFiles(folder, "actorpool-*.claims").Take(MaxSwept))
            {
                var name = System.IO.Path.GetFileName(file).Split('-');
                if (name.Length == 3 && int.TryParse(name[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)
                    && pid != Environment.ProcessId && !IsRunning(pid))
                {
                    try
                    {
                        File.Delete(file);
                        deleted++;
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // another user's, or already gone
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the folder cannot be listed: nothing to sweep
        }

        return deleted;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The worker's view of the board its parent made.</summary>
    public static ClaimBoard Open(string path, int slots) => new(path, slots);

    /// <summary>The parent, before sending call <paramref name="id"/> in <paramref name="slot"/>: it is the worker's to start.</summary>
    public void Offer(int slot, long id) => Volatile.Write(ref Word(slot), id << 2 | Offered);

    /// <summary>The worker, just before running the call: true if it is still its to run.</summary>
    public bool TryStart(int slot, long id) => slot >= 0 && slot < Slots && Swap(slot, id, Started);

    /// <summary>The parent, for <c>Cancel()</c>: true if the worker will not run it.</summary>
    public bool TryCancel(int slot, long id) => Swap(slot, id, Canceled);

    /// <summary>The parent, to give the call to another worker: true if this one will not run it.</summary>
    public bool TryTakeBack(int slot, long id) => Swap(slot, id, TakenBack);

    public bool HasStarted(int slot, long id) => Volatile.Read(ref Word(slot)) == (id << 2 | Started);

    public bool WasTakenBack(int slot, long id) => Volatile.Read(ref Word(slot)) == (id << 2 | TakenBack);

    /// <summary>
    /// The worker, just before it tries to start a call: when it starts, as a <see cref="System.Diagnostics.Stopwatch"/>
    /// timestamp (the machine's monotonic clock, the same in every process), so the parent counts a timeout, and measures
    /// the call's wait and run time, from the same moment.
    /// </summary>
    public void StampStart(int slot, long timestamp)
    {
        if (slot >= 0 && slot < Slots)
        {
            Volatile.Write(ref words[Slots + slot], timestamp);
        }
    }

    /// <summary>The parent: when the worker started the call in <paramref name="slot"/> (valid once <see cref="HasStarted"/> says so).</summary>
    public long StartedAt(int slot) => Volatile.Read(ref words[Slots + slot]);

    /// <summary>Removes the file; both mappings stay valid. Best effort: a system that refuses it gets another try at <see cref="Dispose"/>.</summary>
    public void Unlink()
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
            path = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Windows refuses to delete a file mapped elsewhere; Dispose tries again.
        }
    }

    public void Dispose()
    {
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        file.Dispose();
        Unlink();
    }

    private bool Swap(int slot, long id, long to) =>
        Interlocked.CompareExchange(ref Word(slot), id << 2 | to, id << 2 | Offered) == (id << 2 | Offered);

    private ref long Word(int slot) => ref words[slot];

    /// <summary>A word per slot, then a start time per slot.</summary>
    private static long Bytes(int slots) => 2L * slots * sizeof(long);
}
