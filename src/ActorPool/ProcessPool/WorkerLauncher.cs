using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActorPool.Launching;
using ActorPool.Logging;
using ActorPool.Transport.Loopback;
using ActorPool.Wire;
using ActorPool.WorkerProcess;

namespace ActorPool.ProcessPool;

/// <summary>
/// Starts worker processes that load the same assemblies as this one, however the app was deployed (see
/// <see cref="ChildProgram"/>), each running <see cref="WorkerHost"/>.
/// The transport key, the pool's secret, payload limit and initializer go through stdin, never the command line or environment, so a
/// process booted before its pool existed (the spare) can serve any pool; every launcher of a process starts the same command.
/// </summary>
internal sealed class WorkerLauncher
{
    private static readonly object SpareGate = new();
    private static readonly List<(Process Process, string Transport)> Spares = [];
    private static string? sparesContext;

    private readonly ChildProgram worker;
    private readonly string transport;

    /// <summary>The logger of the pool this launcher starts workers for (set once it has one).</summary>
    public Microsoft.Extensions.Logging.ILogger Log { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <param name="transport">The HOCON path of the Akka.Remote transport the workers must speak (their parent's);
    /// empty for the workers' default, the loopback transport.</param>
    /// <exception cref="NotSupportedException">This app's deployment cannot start worker processes (<see cref="ChildProgram.Of"/>).</exception>
    public WorkerLauncher(string transport = "")
    {
        this.transport = transport;
        worker = ChildProgram.Of(typeof(WorkerHost).Assembly);
    }

    /// <summary>
    /// Starts a worker process. It boots its runtime and actor system at once, then waits on stdin for
    /// <see cref="Introduce"/> to tell it where its parent is and what to run; so worker start-up overlaps the
    /// parent's own, and a booted worker can wait as this process's spare (<see cref="TakeSpare"/>) for any pool.
    /// </summary>
    public Process Start()
    {
        var start = worker.StartInfo();
        start.Environment[WorkerHost.ParentPidVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        if (transport.Length > 0)
        {
            start.Environment[WorkerHost.TransportVariable] = transport;
        }
        else
        {
            start.Environment.Remove(WorkerHost.TransportVariable); // a pool made inside a worker of a user's system speaks its own transport
        }

        // Start-up is mostly JIT; tiered PGO's instrumentation only slows a short-lived worker's first second.
        start.Environment.TryAdd("DOTNET_TieredPGO", "0");
        // Each time something wakes a thread-pool thread (remoting's periodic work, a timer firing) it spins
        // (sched_yield) for more work before it sleeps, which costs an idle worker or spare CPU. A worker's calls run on
        // its own threads, not the pool's, so the spin buys it nothing.
        start.Environment.TryAdd("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", "0");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start a worker process with {start.FileName}.");
        // First thing on its stdin, before its transport listens: the key that it and this process prove to each other.
        process.StandardInput.WriteLine(LoopbackHandshake.KeyLine);
        process.StandardInput.Flush();
        return process;
    }

    /// <summary>
    /// A spare worker process that speaks this launcher's transport, if one is booted (or booting) and still alive: a
    /// process nobody has introduced yet, so it holds no pool's state, secret or initializer. Null if there is none.
    /// </summary>
    public Process? TakeSpare()
    {
        lock (SpareGate)
        {
            DropStaleSpares();
            for (var i = Spares.Count - 1; i >= 0; i--)
            {
                var (taken, speaks) = Spares[i];
                if (speaks != transport)
                {
                    continue;
                }

                Spares.RemoveAt(i);
                if (!taken.HasExited)
                {
                    return taken;
                }

                Release(taken);
            }

            return null;
        }
    }

    /// <summary>
    /// Tops the process-wide spares up to <paramref name="count"/> (a pool's worker count), so the next pool of that
    /// size (or a replacement worker) finds booted processes. Called once a pool's own workers are up, so the
    /// spares' boot never competes with theirs. They exit with this process, as every worker does (stdin ends).
    /// </summary>
    /// <remarks>Spares only save start-up time, so failing to start one (a process or file limit, say) is never an error:
    /// it is logged as a warning, and the next pool starts its workers itself.</remarks>
    public void EnsureSpares(int count)
    {
        lock (SpareGate)
        {
            DropStaleSpares();
            Spares.RemoveAll(spare => spare.Process.HasExited && Released(spare.Process));
            try
            {
                while (Spares.Count(spare => spare.Transport == transport) < count)
                {
                    Spares.Add((Start(), transport));
                }
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
            {
                ProcessPoolLog.SpareStartFailed(Log, e.Message);
            }

            sparesContext = Context();
        }
    }

    /// <summary>Lets go of spares started under another environment or working directory than a worker started now would inherit.</summary>
    private static void DropStaleSpares()
    {
        if (Spares.Count > 0 && sparesContext != Context())
        {
            Spares.ForEach(spare => Release(spare.Process));
            Spares.Clear();
        }
    }

    private static bool Released(Process process)
    {
        Release(process);
        return true;
    }

    /// <summary>
    /// Tells a started worker its proxy's address, the pool's secret, the key its answers carry (its own), its payload
    /// limit and initializer, and the claim board it shares with its proxy, privately, over its stdin; it then runs the
    /// initializer and registers.
    /// </summary>
    public static void Introduce(Process worker, string parentPath, string secret, string replyKey, long maxPayload, CallDescriptor? initializer, ClaimBoard board)
    {
        worker.StandardInput.WriteLine(parentPath);
        worker.StandardInput.WriteLine(secret);
        worker.StandardInput.WriteLine(replyKey);
        worker.StandardInput.WriteLine(maxPayload.ToString(CultureInfo.InvariantCulture));
        worker.StandardInput.WriteLine(initializer is null ? "" : JsonSerializer.Serialize(initializer, WireJsonContext.Default.CallDescriptor)); // one line: JSON escapes newlines
        worker.StandardInput.WriteLine(board.Slots.ToString(CultureInfo.InvariantCulture));
        worker.StandardInput.WriteLine(board.Path);
        worker.StandardInput.Flush();
    }

    /// <summary>What a worker inherits from this process at start: its environment and working directory.</summary>
    private static string Context()
    {
        var variables = Environment.GetEnvironmentVariables();
        var entries = new List<string>(variables.Count + 1) { Environment.CurrentDirectory };
        foreach (System.Collections.DictionaryEntry entry in variables)
        {
            entries.Add($"{entry.Key}={entry.Value}");
        }

        entries.Sort(StringComparer.Ordinal);
        return string.Join('\0', entries);
    }

    private static void Release(Process process)
    {
        using (process)
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // already gone
            }
        }
    }
}
