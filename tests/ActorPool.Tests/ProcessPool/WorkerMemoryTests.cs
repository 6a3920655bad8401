using System.Diagnostics;
using System.Text;
using ActorPool.ProcessPool;

namespace ActorPool.Tests.ProcessPool;

/// <summary>How a parent reads a worker's resident memory: the statm text it parses, and a real process's reading.</summary>
public sealed class WorkerMemoryTests
{
    [Theory]
    [InlineData("2893213 52214 13120 1 0 180523 0\n", 52214L)]
    [InlineData("10 7 3 1 0 4 0", 7L)]
    [InlineData("10 7", 7L)]
    [InlineData("", null)]
    [InlineData("10", null)]
    [InlineData("10  7 3", null)]
    [InlineData("10 -7 3", null)]
    [InlineData("10 x7 3", null)]
    [InlineData("10 99999999999999999999999 3", null)]
    public void ParseStatm_ReadsTheResidentPagesOrNothing(string statm, long? pages) =>
        Assert.Equal(pages, WorkerMemory.ParseStatm(Encoding.ASCII.GetBytes(statm)));

    [Fact]
    public void Resident_OfARunningProcess_IsItsResidentSetSize()
    {
        using var self = Process.GetCurrentProcess();

        var resident = WorkerMemory.Resident(self, self.Id);

        // The OS's own figure, read the runtime's way, a moment apart: the same order of magnitude.
        Assert.NotNull(resident);
        self.Refresh();
        Assert.InRange(resident.Value, self.WorkingSet64 / 2, self.WorkingSet64 * 2);
    }

    [Fact]
    public void Resident_OfAnExitedProcess_IsNull()
    {
        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        exited.WaitForExit();
        var pid = exited.Id;

        Assert.Null(WorkerMemory.Resident(exited, pid));
    }
}
