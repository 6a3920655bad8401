using ActorPool.Cluster.Security;
using ActorPool.Configuration;
using ActorPool.Cluster.Configuration;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using ActorPool.Cluster.Node;
using ActorPool.Launching;
using ActorPool.Security;
using ActorPool.Threads;
using Akka;
using ActorPool.WorkerProcess;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace ActorPool.Cluster;

/// <summary>
/// A worker node: an actor system that joins an ActorPool cluster with the worker role and runs calls for every
/// <see cref="ClusterPoolExecutor"/> in it, each on worker actors of its own. Start one in your app with
/// <see cref="Start"/> or <see cref="RunAsync"/>, or on any machine with
/// <c>dotnet exec --runtimeconfig App.runtimeconfig.json --depsfile App.deps.json ActorPool.Cluster.dll --seed akka.tcp://actorpool@host:port</c>
/// so it loads your app's assemblies, as a process pool's workers do.
/// </summary>
public sealed class ClusterWorkerNode : IAsyncDisposable
{
    private readonly ActorSystem system;

    private ClusterWorkerNode(ActorSystem system, int workers, IReadOnlyCollection<string> allowedAssemblies)
    {
        this.system = system;
        Workers = workers;
        AllowedAssemblies = allowedAssemblies;
    }

    /// <summary>This node's cluster address.</summary>
    public Address Address => Akka.Cluster.Cluster.Get(system).SelfAddress;

    /// <summary>Worker actors the node offers each executor.</summary>
    public int Workers { get; }

    /// <summary>The assemblies whose methods this node runs.</summary>
    public IReadOnlyCollection<string> AllowedAssemblies { get; }

    /// <summary>
    /// Threads of the node workers in this process left to calls that did not stop within their grace period after their
    /// token was canceled or their timeout ran out, and still running them. Each was logged as a warning naming the call's
    /// method; their futures were settled on the executor's side. Nothing can stop a .NET thread.
    /// </summary>
    public static int AbandonedThreads => CallRunner.NodeAbandonedThreads;

    /// <summary>Completes when the node has left the cluster and stopped.</summary>
    public Task WhenStopped => system.WhenTerminated;

    /// <summary>Why the node shut itself down when a coordinator's payload limits exceeded its own; null if it did not.</summary>
    internal string? Refusal => CoordinatedShutdown.Get(system).ShutdownReason is NodeRefusedReason refused ? refused.Message : null;

    /// <summary>Starts the node and begins joining through <see cref="ClusterNodeOptions.Seeds"/>; it takes work once the coordinator sees it up.</summary>
    public static ClusterWorkerNode Start(ClusterNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Seeds.Count == 0)
        {
            throw new ArgumentException("A worker node needs at least one seed: the address of the coordinator (ClusterPoolExecutor.Address), e.g. akka.tcp://actorpool@127.0.0.1:4053.", nameof(options));
        }

        var seeds = options.Seeds.Select(ParseSeed).ToList();
        var secret = ClusterSecret.Resolve(options.Secret, "A worker node");
        var config = ClusterConfig.ForMember(options.Config, options.Hostname, options.Port, "worker-role", options.LocalNodeRole);
        var workers = options.Workers ?? config.GetInt("actorpool.cluster.node.workers");
        if (workers < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), workers, "A worker node's workers must be 0 (one per processor) or more.");
        }

        workers = workers == 0 ? Environment.ProcessorCount : workers;
        var allowed = options.AllowedAssemblies.Count > 0 ? options.AllowedAssemblies.ToList() : config.GetStringList("actorpool.cluster.node.allowed-assemblies").ToList();
        if (allowed.Count == 0)
        {
            allowed.Add(ChildProgram.AppName());
        }

        var drainTimeout = config.GetTimeSpan("actorpool.cluster.node.drain-timeout");
        config = ConfigurationFactory.ParseString(
            $"akka.coordinated-shutdown.phases.service-requests-done.timeout = {(long)(drainTimeout + TimeSpan.FromSeconds(5)).TotalMilliseconds}ms").WithFallback(config);
        ClusterConfig.RequireTlsOffLoopback(config, "The worker node");
        var system = WithoutCallerContext.Make(() => ActorSystem.Create(config.GetString("actorpool.cluster.system-name"), config));
        var host = system.ActorOf(NodeHost.Props(secret, workers, PayloadLimits.Of(config), new AssemblyAllowList(allowed), config.GetString("actorpool.cluster.coordinator-role")), NodeHost.Name);
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "actorpool-drain", async () =>
        {
            try
            {
                await host.Ask<NodeHost.Drained>(NodeHost.Drain.Instance, drainTimeout).ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                system.Log.Warning("Calls on this node did not finish within actorpool.cluster.node.drain-timeout ({0}); leaving anyway.", drainTimeout);
            }

            return Done.Instance;
        });
        Akka.Cluster.Cluster.Get(system).JoinSeedNodes(seeds);
        return new ClusterWorkerNode(system, workers, allowed);
    }

    /// <summary>Leaves the cluster gracefully (the calls the node holds finish first) and stops.</summary>
    public async Task StopAsync()
    {
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).ConfigureAwait(false);
        await system.WhenTerminated.ConfigureAwait(false);
    }

    /// <inheritdoc cref="StopAsync"/>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>Runs a node from command-line arguments until it is stopped (SIGTERM, Ctrl+C, or stdin ending with --secret-stdin).</summary>
    /// <returns>
    /// The process exit code: 0 after a graceful stop (the last coordinator leaving included), 2 for bad arguments or
    /// settings, 3 when it refused a coordinator whose payload limit or frame size exceeds its own (the message, naming
    /// both, goes to stderr), 4 when the cluster downed the node: cut off from its coordinator, or the coordinator
    /// crashed. A supervisor that restarts on failure then brings it back to join again.
    /// </returns>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var (parsed, secretFromStdin, exitCode) = await NodeCommandLine.ParseAsync(args).ConfigureAwait(false);
        if (parsed is not { } options)
        {
            return exitCode; // help or the version printed (0), or what was wrong with the arguments (2)
        }

        if (secretFromStdin)
        {
            options.Secret = await Console.In.ReadLineAsync().ConfigureAwait(false);
        }

        ClusterWorkerNode node;
        try
        {
            node = Start(options);
        }
        catch (Exception e) when (e is ArgumentException or Akka.Configuration.ConfigurationException)
        {
            // Bad options or settings (a network address without TLS, say): say what to fix, not a stack trace.
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }

        Console.WriteLine($"ActorPool worker node {node.Address} (pid {Environment.ProcessId}): joining {string.Join(", ", options.Seeds)} " +
                          $"with {node.Workers} workers per executor; runs methods from {string.Join(", ", node.AllowedAssemblies)}.");
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Leave);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Leave);
        if (secretFromStdin)
        {
            // Started by a parent (LocalNodeProcess): its stdin ends when the parent stops it or dies, SIGKILL included.
            _ = Task.Run(async () =>
            {
                while (await Console.In.ReadLineAsync().ConfigureAwait(false) is not null)
                {
                }

                await node.StopAsync().ConfigureAwait(false);
            });
        }

        await node.WhenStopped.ConfigureAwait(false);
        if (node.Refusal is { } refusal)
        {
            await Console.Error.WriteLineAsync(refusal).ConfigureAwait(false);
            return NodeRefusedReason.Code;
        }

        if (CoordinatedShutdown.Get(node.system).ShutdownReason is CoordinatedShutdown.ClusterDowningReason)
        {
            await Console.Error.WriteLineAsync(
                $"ActorPool worker node {node.Address} was downed by the split-brain resolver (cut off from its coordinator, or the coordinator " +
                $"is gone) and has stopped; the calls it held were failed or retried on the coordinator's side. Exit code {DownedExitCode}.").ConfigureAwait(false);
            return DownedExitCode;
        }

        return 0;

        void Leave(PosixSignalContext context)
        {
            context.Cancel = true; // leave the cluster first; the process ends when the node has stopped
            _ = node.StopAsync();
        }
    }

    /// <summary>The node program's exit code after the cluster downed it: see <see cref="RunAsync"/>.</summary>
    internal const int DownedExitCode = 4;

    private static Address ParseSeed(string seed)
    {
        try
        {
            return Address.Parse(seed);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            throw new ArgumentException($"'{seed}' is not a cluster address; a seed looks like akka.tcp://actorpool@127.0.0.1:4053 (see ClusterPoolExecutor.Address).", e);
        }
    }
}
