using System.Globalization;
using System.Text;

namespace ActorPool.Tests.Contract;

/// <summary>
/// State that the test process and its worker processes both see: files under one temporary directory per
/// test run. The test process creates the directory and names it in an environment variable, which every
/// worker process it starts inherits, so the same static functions work in a thread pool and a process pool.
/// </summary>
/// <remarks>
/// Everything here is made of atomic file operations (create-new, exists, delete), so no lock spans processes.
/// Waiting polls with a short sleep: a file system offers no cross-process signal that is as simple.
/// </remarks>
internal static class SharedState
{
    /// <summary>Names the run's directory in the environment of this process and of the workers it starts.</summary>
    public const string RootVariable = "ACTORPOOL_TESTS_STATE";

    private const string RootPrefix = "actorpool-tests-";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    private static readonly Lazy<string> LazyRoot = new(FindOrCreateRoot);

    /// <summary>The run's directory; reading it first makes sure worker processes started afterwards inherit it.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>A fresh directory under <see cref="Root"/>, for one test's state.</summary>
    public static string NewDirectory(string prefix)
    {
        var path = Path.Combine(Root, $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Adds a file of its own to <paramref name="directory"/>, so <see cref="Count"/> goes up by one in every process.</summary>
    public static void Increment(string directory)
    {
        Directory.CreateDirectory(directory);
        using (File.Create(Path.Combine(directory, Guid.NewGuid().ToString("N"))))
        {
        }
    }

    public static int Count(string directory) => Directory.Exists(directory) ? Directory.GetFiles(directory).Length : 0;

    /// <summary>
    /// Appends <paramref name="item"/> to the ordered log kept in <paramref name="directory"/>: one file per entry,
    /// named by its position and claimed with create-new, so concurrent writers in any process never collide.
    /// </summary>
    public static void Append(string directory, int item)
    {
        var line = Encoding.ASCII.GetBytes(item.ToString(CultureInfo.InvariantCulture) + "\n");
        for (var position = Directory.GetFiles(directory).Length; ; position++)
        {
            var path = EntryPath(directory, position);
            FileStream entry;
            try
            {
                entry = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite);
            }
            catch (IOException) when (File.Exists(path))
            {
                continue; // another writer claimed this position first
            }

            using (entry)
            {
                entry.Write(line); // one write: a reader sees the entry whole or not yet
            }

            return;
        }
    }

    /// <summary>The log's entries in order, up to the first one still being written.</summary>
    public static int[] ReadLog(string directory)
    {
        var items = new List<int>();
        for (var position = 0; ; position++)
        {
            string text;
            try
            {
                text = File.ReadAllText(EntryPath(directory, position));
            }
            catch (IOException)
            {
                break; // not there (FileNotFoundException is an IOException) or still being written
            }

            if (!text.EndsWith('\n'))
            {
                break;
            }

            items.Add(int.Parse(text.AsSpan(0, text.Length - 1), CultureInfo.InvariantCulture));
        }

        return [.. items];
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; false if <paramref name="timeout"/> passes first.</summary>
    public static bool PollUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            Thread.Sleep(PollInterval);
        }

        return true;
    }

    private static string EntryPath(string directory, int position) =>
        Path.Combine(directory, position.ToString("D6", CultureInfo.InvariantCulture));

    private static string FindOrCreateRoot()
    {
        if (Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } inherited)
        {
            return inherited; // a worker process: its parent's directory
        }

        DeleteLeftovers();
        var root = Path.Combine(Path.GetTempPath(), $"{RootPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        Environment.SetEnvironmentVariable(RootVariable, root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(root);
        return root;
    }

    /// <summary>Deletes the directories of earlier runs whose test process is gone (a test host may be killed, not exit).</summary>
    private static void DeleteLeftovers()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), RootPrefix + "*"))
        {
            var name = Path.GetFileName(directory).AsSpan(RootPrefix.Length);
            var dash = name.IndexOf('-');
            if (dash > 0 && int.TryParse(name[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !IsRunning(pid))
            {
                DeleteQuietly(directory);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void DeleteQuietly(string root)
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // a straggling worker still writing; the temporary directory is cleaned up by the OS eventually
        }
        catch (UnauthorizedAccessException)
        {
            // the same
        }
    }
}
