using ActorPool.Wire;
using System.Diagnostics;

namespace ActorPool.Tests.Wire;

/// <summary>The claim boards' files: a parent killed before its worker mapped one leaves it behind, for the next pool to sweep.</summary>
public sealed class ClaimBoardTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("claims-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void SweepStale_BoardsOfDeadAndLiveProcesses_DeletesOnlyTheDeadOnes()
    {
        int dead;
        using (var gone = Process.Start("true")!)
        {
            gone.WaitForExit();
            dead = gone.Id;
        }

        using var alive = Process.Start(new ProcessStartInfo("sleep", "30"))!;
        var ofDead = Board(dead);
        var ofAlive = Board(alive.Id);
        var ofThis = Board(Environment.ProcessId);
        var other = Path.Combine(folder, "actorpool-notes.txt");
        File.WriteAllText(other, "");
        try
        {
            Assert.Equal(1, ClaimBoard.SweepStale(folder));

            Assert.False(File.Exists(ofDead));
            Assert.True(File.Exists(ofAlive));
            Assert.True(File.Exists(ofThis));
            Assert.True(File.Exists(other));
        }
        finally
        {
            alive.Kill();
        }
    }

    private string Board(int pid)
    {
        var path = Path.Combine(folder, $"actorpool-{pid}-{Guid.NewGuid():N}.claims");
        File.WriteAllBytes(path, new byte[64]);
        return path;
    }
}
