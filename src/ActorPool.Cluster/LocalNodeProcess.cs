using System.Diagnostics;
using System.Globalization;
using ActorPool.Cluster.Coordinator;
using ActorPool.Cluster.Node;
using ActorPool.Launching;
using ActorPool.Threads;
using Akka.Actor;

namespace ActorPool.Cluster;

/// <summary>
/// A worker node in a child process of this one, loading this app's assemblies (as a process pool's workers do):
/// for local clusters, demos and tests. It gets the secret over stdin and leaves the cluster when stdin ends, so
/// it never outlives this process, however this process ends. When its process exits, every cluster executor in this
/// process fails the calls it held and downs it at once, without waiting for Akka.Cluster's failure detector.
/// </summary>
public sealed class LocalNodeProcess : IDisposable
{
    private readonly Process process;

    private LocalNodeProcess(Process process) => this.process = process;

    /// <summary>The node's process id.</summary>
    public int Pid => process.Id;

    /// <summary>True once the node process has exited.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>Starts a node that joins through <paramref name="seed"/> (a <see cref="ClusterPoolExecutor.Address"/>).</summary>
    /// <param name="seed">The member to join through.</param>
    /// <param name="secret">The cluster's secret, handed over on stdin.</param>
    /// <param name="workers">Worker actors per executor; null means one per processor.</param>
    /// <param name="allowedAssemblies">Assemblies whose methods it runs; null means this app's own.</param>
    /// <param name="output">
    /// Gets each line the node writes to its standard output or error, on a thread of its own; null lets the node write
    /// to this process's console directly (as a process pool's workers do). A live view that redraws the console passes
    /// one, so the nodes' lines cannot tear it.
    /// </param>
    public static LocalNodeProcess Start(
        Address seed, string secret, int? workers = null, IEnumerable<string>? allowedAssemblies = null, Action<string>? output = null)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var start = ChildProgram.Of(typeof(LocalNodeProcess).Assembly).StartInfo();
        start.RedirectStandardOutput = start.RedirectStandardError = output is not null;
        // A role only this node has: how the executors here find its member when its process exits.
        var role = LocalNodeExits.NewRole();
        foreach (var arg in new[] { "--seed", seed.ToString(), "--secret-stdin", NodeCommandLine.LocalNodeRoleOption, role })
        {
            start.ArgumentList.Add(arg);
        }

        if (workers is { } n)
        {
            start.ArgumentList.Add("--workers");
            start.ArgumentList.Add(n.ToString(CultureInfo.InvariantCulture));
        }

        if (allowedAssemblies?.ToList() is { Count: > 0 } allowed)
        {
            start.ArgumentList.Add("--allow");
            start.ArgumentList.Add(string.Join(',', allowed));
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a worker node process.");
        var pid = process.Id;
        var reported = 0;
        // The exit watch and the output readers outlive the caller: set up without its context, which their callbacks
        // (and so the output callback) would otherwise run under for the node's life.
        WithoutCallerContext.Run(() =>
        {
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) => ReportExit();
            if (output is not null)
            {
                process.OutputDataReceived += (_, line) => Relay(line.Data);
                process.ErrorDataReceived += (_, line) => Relay(line.Data);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
            }
        });
        if (process.HasExited)
        {
            ReportExit(); // it may have exited before the handler was in place
        }

        process.StandardInput.WriteLine(secret);
        process.StandardInput.Flush();
        return new LocalNodeProcess(process);

        void ReportExit()
        {
            if (Interlocked.Exchange(ref reported, 1) == 0)
            {
                LocalNodeExits.Report(new LocalNodeExit(role, pid, ExitCodeOf(process)));
            }
        }

        void Relay(string? line)
        {
            if (line is not null)
            {
                output(line);
            }
        }
    }

    private static int ExitCodeOf(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1; // disposed meanwhile
        }
    }

    /// <summary>Kills the node at once (SIGKILL), as a crash would: the executor fails the calls it held.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>Stops the node gracefully: it finishes the calls it holds, leaves the cluster and exits.</summary>
    /// <returns>True if it exited within <paramref name="timeout"/>.</returns>
    public bool Stop(TimeSpan timeout)
    {
        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // already gone
        }

        return process.WaitForExit(timeout);
    }

    /// <summary>Stops the node gracefully, killing it if it has not exited within 30 s.</summary>
    public void Dispose()
    {
        if (!process.HasExited && !Stop(TimeSpan.FromSeconds(30)))
        {
            Kill();
        }

        process.Dispose();
    }
}
