using System.Diagnostics;
using System.Globalization;
using Akka.Actor;

namespace LocalCluster;

/// <summary>
/// The worker nodes of <c>--partition</c>: this app run as a node (<c>node ...</c>) inside a network namespace of its
/// own (<see cref="PartitionNetwork"/>), listening on that namespace's address. Cutting one off leaves it running: it
/// sees the coordinator unreachable, the split-brain resolver downs it, and it exits by itself (code 4). Disposing
/// stops the others gracefully (their stdin ends), killing any that has not exited within 30 s.
/// </summary>
internal sealed class NamespacedNodes(PartitionNetwork network) : IDemoNodes
{
    private static readonly TimeSpan DownedWithin = TimeSpan.FromSeconds(60);

    private readonly List<Process> nodes = [];
    private readonly string config = Path.GetTempFileName();
    private readonly Stopwatch sinceCut = new();
    private Process? cut;
    private Action<string> output = _ => { };

    public IReadOnlyList<int> Pids => nodes.Select(n => n.Id).ToList();

    public string Disruption => "cut off";

    public void Start(Address seed, string secret, int count, int workers, Action<string> output)
    {
        this.output = output;
        // The bridge links only the namespaces this demo made, so plaintext is safe on it (see docs/cluster.md).
        File.WriteAllText(config, "actorpool.cluster.allow-insecure-plaintext-network = on\n");
        for (var i = 0; i < count; i++)
        {
            var start = Self();
            foreach (var arg in new[]
            {
                "node", "--seed", seed.ToString(), "--host", PartitionNetwork.NodeAddress(i), "--workers", workers.ToString(CultureInfo.InvariantCulture),
                "--config", config, "--secret-stdin",
            })
            {
                start.ArgumentList.Add(arg);
            }

            start.RedirectStandardInput = start.RedirectStandardOutput = start.RedirectStandardError = true;
            var process = Process.Start(PartitionNetwork.Inside(network.NodeNamespace(i), start)) ?? throw new InvalidOperationException("Could not start a node.");
            process.OutputDataReceived += (_, line) => Relay(line.Data);
            process.ErrorDataReceived += (_, line) => Relay(line.Data);
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) => output(process == cut
                ? $"The cut-off node (pid {process.Id}) exited with code {process.ExitCode} ({(process.ExitCode == 4 ? "downed by the split-brain resolver" : "stopped")}), {sinceCut.Elapsed.TotalSeconds:F1} s after the cut."
                : $"Node pid {process.Id} exited with code {process.ExitCode}.");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.StandardInput.WriteLine(secret);
            process.StandardInput.Flush();
            nodes.Add(process);
        }

        void Relay(string? line)
        {
            if (line is not null)
            {
                output(line);
            }
        }
    }

    /// <summary>Takes the node's port on the bridge down: nothing reaches it or leaves it, but it runs on.</summary>
    public string Disrupt(int index)
    {
        cut = nodes[index];
        sinceCut.Start();
        network.Cut(index);
        return $"Cut the node with pid {nodes[index].Id} off the network (its link to the bridge taken down; it runs on)";
    }

    /// <summary>Waits for the cut-off node to down itself and exit, then stops the others.</summary>
    public void Dispose()
    {
        if (cut is not null && !cut.HasExited)
        {
            output("Waiting for the cut-off node to find itself alone, down itself and exit...");
            if (!cut.WaitForExit(DownedWithin))
            {
                output($"The cut-off node (pid {cut.Id}) is still running {DownedWithin.TotalSeconds:F0} s after the cut: killing it.");
            }
        }

        Parallel.ForEach(nodes, node =>
        {
            try
            {
                node.StandardInput.Close();
            }
            catch (IOException)
            {
                // already gone
            }

            if (!node.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                node.Kill();
                node.WaitForExit();
            }

            node.Dispose();
        });
        File.Delete(config);
    }

    /// <summary>This app again: its executable, or <c>dotnet LocalCluster.dll</c> when the dotnet host runs it.</summary>
    public static ProcessStartInfo Self()
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("This app's executable is unknown.");
        var start = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(NamespacedNodes).Assembly.Location);
        }

        return start;
    }
}
