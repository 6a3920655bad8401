using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActorPool.Configuration;
using ActorPool.Transport.Loopback;
using ActorPool.Wire;
using Akka.Actor;

namespace ActorPool.WorkerProcess;

/// <summary>
/// A worker process's program (the app, started by <see cref="ProcessPool.WorkerLauncher"/>, runs it from its startup hook): an actor system on
/// 127.0.0.1, one <see cref="CallRunner"/>, and two watches on the parent (its pid, and the end of stdin)
/// so no worker outlives it.
/// </summary>
internal static class WorkerHost
{
    /// <summary>The parent's pid, which a worker watches so it never outlives it.</summary>
    public const string ParentPidVariable = "ACTORPOOL_PARENT_PID";

    /// <summary>The Akka.Remote transport a worker enables (its HOCON path), when not the workers' default (the loopback transport).</summary>
    public const string TransportVariable = "ACTORPOOL_WORKER_TRANSPORT";

    /// <summary>True in a worker process, once <see cref="Run"/> has started: its Akka records then go to its parent.</summary>
    public static bool IsWorkerProcess { get; private set; }

    public static int Run()
    {
        IsWorkerProcess = true;
        var parentPid = int.Parse(Required(ParentPidVariable), CultureInfo.InvariantCulture);
        ExitWhenParentProcessDies(parentPid);

        // The transport key comes first (the launcher writes it at once): no connection is made or accepted without it.
        var input = Console.In;
        if (input.ReadLine() is not { Length: > 0 } keyLine)
        {
            return 0; // the parent is gone already
        }

        LoopbackHandshake.Adopt(keyLine);

        // Boot first (the slow part), then learn where the parent is and what to run: the parent may still be
        // booting too, or this process may wait as a spare until a pool takes it.
        using var system = ActorSystem.Create("actorpool-worker", WorkerConfig());
        var parent = input.ReadLine();
        var secret = input.ReadLine();
        var replyKey = input.ReadLine();
        var maxPayloadLine = input.ReadLine();
        var initializerLine = input.ReadLine();
        var boardSlots = input.ReadLine();
        var boardPath = input.ReadLine();
        if (string.IsNullOrEmpty(parent) || string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(replyKey) || string.IsNullOrEmpty(maxPayloadLine) || initializerLine is null
            || string.IsNullOrEmpty(boardSlots) || string.IsNullOrEmpty(boardPath))
        {
            return 0; // stdin ended before the introduction: the parent is gone, or let this spare go
        }

        var maxPayload = long.Parse(maxPayloadLine, CultureInfo.InvariantCulture);
        var initializer = initializerLine.Length > 0 ? JsonSerializer.Deserialize(initializerLine, WireJsonContext.Default.CallDescriptor) : null;
        // Mapped before registering: the parent deletes the file once this worker has registered.
        using var board = ClaimBoard.Open(boardPath, int.Parse(boardSlots, CultureInfo.InvariantCulture)); // the worker actor may restart; the board lives on
        ExitWhenInputEnds(input, system, parentPid);
        system.ActorOf(CallRunner.Props(parent, secret, replyKey, initializer, maxPayload, board).WithDispatcher(ActorPoolConfig.ProcessWorkerDispatcher), "worker");
        system.WhenTerminated.Wait();
        return 0;
    }

    /// <summary>The transport the launcher asked for when the parent's system speaks DotNetty TCP (a user's system); null for the loopback transport.</summary>
    private static string? OtherTransport => Environment.GetEnvironmentVariable(TransportVariable) is { Length: > 0 } transport ? transport : null;

    /// <summary>The workers' remoting configuration, speaking DotNetty TCP instead when the parent's system does (a user's system).</summary>
    private static Akka.Configuration.Config WorkerConfig() =>
        OtherTransport is { } transport
            ? Akka.Configuration.ConfigurationFactory.ParseString($"akka.remote.enabled-transports = [\"{transport}\"]").WithFallback(ActorPoolConfig.ProcessSystemConfig)
            : ActorPoolConfig.ProcessSystemConfig;

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: a worker process runs only when a ProcessPoolExecutor starts it.");

    /// <summary>
    /// Stdin ends when the parent dies, however it dies (SIGKILL included), or when it lets this worker go. Over ActorPool's
    /// loopback transport the worker exits at once: the parent's end reads the connection's end as a peer that shut down,
    /// which Akka.Remote notes at Debug. Over DotNetty's TCP (a pool in a user's system) a connection that just drops is a
    /// warning and an error there, in loggers ActorPool does not control, so the actor system shuts down first, within
    /// <see cref="ShutdownLimit"/>, and its remoting says goodbye; that takes a few hundred milliseconds, which the loopback
    /// case saves at every shutdown and every retirement. A worker whose parent has died exits at once.
    /// </summary>
    private static void ExitWhenInputEnds(TextReader input, ActorSystem system, int parentPid) =>
        new Thread(() =>
        {
            while (input.ReadLine() is not null)
            {
            }

            if (OtherTransport is not null && IsAlive(parentPid))
            {
                system.Terminate().Wait(ShutdownLimit); // let go: say so to the parent, which is listening
            }

            Environment.Exit(0);
        })
        { IsBackground = true, Name = "actorpool-parent-stdin" }.Start();

    /// <summary>The longest a worker let go spends shutting its actor system down before it exits anyway.</summary>
    private static readonly TimeSpan ShutdownLimit = TimeSpan.FromSeconds(3);

    /// <summary>Covers the parent dying while this worker is still booting, before stdin is watched.</summary>
    private static void ExitWhenParentProcessDies(int parentPid) =>
        new Thread(() =>
        {
            while (IsAlive(parentPid))
            {
                Thread.Sleep(1000);
            }

            Environment.Exit(0);
        })
        { IsBackground = true, Name = "actorpool-parent-pid" }.Start();

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
