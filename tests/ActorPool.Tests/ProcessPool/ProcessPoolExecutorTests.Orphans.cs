using ActorPool.Tests.Support;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ActorPool.Tests.ProcessPool;

// No worker outlives its parent, even one killed with SIGKILL: the parent here is tests/OrphanParent, a program
// built into this test's output that starts a pool of two workers, prints their pids and blocks.
public sealed partial class ProcessPoolExecutorTests
{
    /// <summary>The issue's bound on a worker noticing its parent's death is 5 s; this one only catches a worker that never does.</summary>
    private static readonly TimeSpan OrphanExitBound = TimeSpan.FromSeconds(15);

    private const string PidLinePrefix = "worker-pid: ";

    [Fact]
    public async Task Workers_ParentKilledWithSigkill_ExitByThemselves()
    {
        using var parent = StartOrphanParent();
        var pids = new List<int>();
        var errors = new StringBuilder();
        parent.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        parent.BeginErrorReadLine();
        try
        {
            var deadline = DateTime.UtcNow + Bound;
            while (await parent.StandardOutput.ReadLineAsync().WaitAsync(Bound) is { } line && line != "ready")
            {
                if (line.StartsWith(PidLinePrefix, StringComparison.Ordinal))
                {
                    pids.Add(int.Parse(line.AsSpan(PidLinePrefix.Length), CultureInfo.InvariantCulture));
                }

                Assert.True(DateTime.UtcNow < deadline, "the orphan parent did not report its workers in time");
            }

            Assert.False(parent.HasExited, $"the orphan parent exited early with code {(parent.HasExited ? parent.ExitCode : 0)}: {errors}");
            Assert.Equal(2, pids.Distinct().Count());
            Assert.All(pids, pid => Assert.True(OsProcesses.IsRunning(pid), $"worker {pid} is not running before its parent is killed"));

            var clock = Stopwatch.StartNew();
            parent.Kill(); // SIGKILL on Linux, to the parent alone: nothing runs in it to let its workers go
            Assert.True(parent.WaitForExit(Bound), "the orphan parent did not die");
            var exited = pids.All(pid => OsProcesses.WaitForExit(pid, OrphanExitBound - clock.Elapsed));
            clock.Stop();

            output.WriteLine($"Workers {string.Join(", ", pids)} exited {clock.ElapsedMilliseconds} ms after their parent {parent.Id} was killed with SIGKILL.");
            Assert.True(exited, $"workers still running {clock.Elapsed} after their parent was killed: {string.Join(", ", pids.Where(OsProcesses.IsRunning))}");
        }
        finally
        {
            if (!parent.HasExited)
            {
                parent.Kill(entireProcessTree: true);
            }

            foreach (var pid in pids)
            {
                OsProcesses.KillWorkerIfStillRunning(pid);
            }
        }
    }

    [Fact]
    public async Task Constructor_RouterCannotStart_LetsTheWorkersItStartedGo()
    {
        // In a process of its own (OrphanParent failed-constructor), so no other test's workers count as its children.
        using var program = Process.Start(TestProgram.StartInfo("OrphanParent", "failed-constructor"))
            ?? throw new InvalidOperationException("Could not start OrphanParent.dll.");
        try
        {
            var stdout = program.StandardOutput.ReadToEndAsync();
            var stderr = program.StandardError.ReadToEndAsync();
            await program.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            var lines = (await stdout).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

            Assert.Contains(lines, line => line.StartsWith("error: ", StringComparison.Ordinal) && line.Contains("no-such-dispatcher", StringComparison.Ordinal));
            Assert.True(lines.Contains("children:"), $"worker processes outlived the failed constructor: {string.Join(" | ", lines)} {await stderr}");
        }
        finally
        {
            if (!program.HasExited)
            {
                program.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Starts OrphanParent.dll from this test's output with the dotnet host running this process.</summary>
    private static Process StartOrphanParent() =>
        Process.Start(TestProgram.StartInfo("OrphanParent")) ?? throw new InvalidOperationException("Could not start OrphanParent.dll.");
}
