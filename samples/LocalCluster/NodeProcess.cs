using System.Diagnostics;
using System.Globalization;
using Akka.Actor;

namespace LocalCluster;

/// <summary>
/// A worker node in a child process: this same app, run as <c>node --seed ... --secret-stdin</c>, as
/// <see cref="ActorPool.Cluster.LocalNodeProcess"/> starts one, except that its output comes back line by line
/// rather than going straight to this console, so the live view can print it above its table instead of being
/// torn by it. It gets the secret over stdin and leaves the cluster when stdin ends, so it never outlives this process.
/// </summary>
internal sealed class NodeProcess : IDisposable
{
    private static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(30);

    private readonly Process process;

    private NodeProcess(Process process) => this.process = process;

    public int Pid => process.Id;

    /// <summary>Starts a node that joins through <paramref name="seed"/>; <paramref name="output"/> gets its stdout and stderr lines.</summary>
    public static NodeProcess Start(Address seed, string secret, int workers, Action<string> output)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(NodeProcess).Assembly.Location); // run as `dotnet LocalCluster.dll`
        }

        foreach (var arg in new[] { "node", "--seed", seed.ToString(), "--secret-stdin", "--workers", workers.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a worker node process.");
        process.OutputDataReceived += (_, line) => Relay(line.Data);
        process.ErrorDataReceived += (_, line) => Relay(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.WriteLine(secret);
        process.StandardInput.Flush();
        return new NodeProcess(process);

        void Relay(string? line)
        {
            if (line is not null)
            {
                output(line);
            }
        }
    }

    /// <summary>Kills the node at once (SIGKILL), as a crash would: the executor fails the calls it held.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>Stops the node gracefully (it finishes the calls it holds, then leaves), killing it after 30 s.</summary>
    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(LeaveTimeout))
            {
                Kill();
            }
        }

        process.WaitForExit(); // the last output lines too
        process.Dispose();
    }
}
