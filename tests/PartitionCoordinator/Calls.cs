using System.Globalization;

namespace PartitionCoordinator;

/// <summary>What the worker nodes run: a call that marks where it started (the test reads the marks), sleeps, and answers its node's pid.</summary>
internal static class Calls
{
    /// <summary>
    /// Leaves <c>{marks}/{call}-{pid}.start</c> (<paramref name="call"/> is <c>{batch}-{index}</c>), so the test sees which node runs which call without asking the
    /// coordinator (the file system is shared across network namespaces), then sleeps <paramref name="milliseconds"/>.
    /// </summary>
    public static int Work(string marks, string call, int milliseconds)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{call}-{Environment.ProcessId}.start");
        File.Create(Path.Combine(marks, name)).Dispose();
        Thread.Sleep(milliseconds);
        return Environment.ProcessId;
    }
}
