using ActorPool.Cluster.Security;
using ActorPool.Cluster.Configuration;
using System.Runtime.CompilerServices;
using ActorPool.Hosting.Registration;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Hosting;

namespace ActorPool.Cluster.Hosting;

/// <summary>
/// Registers <see cref="ClusterPoolExecutor"/>s with an Akka.Hosting actor system, which is then their coordinator:
/// the cluster member worker nodes join (<see cref="ClusterPoolExecutor.Address"/>) and where the futures live.
/// </summary>
public static class ClusterHostingExtensions
{
    // The hosted systems a registration has joined to themselves, so that several cluster pools join once.
    private static readonly ConditionalWeakTable<ActorSystem, object> JoinedSelf = new();

    /// <summary>Registers a <see cref="ClusterPoolExecutor"/> named <paramref name="name"/>, its secret from <c>ACTORPOOL_CLUSTER_SECRET</c>.</summary>
    public static AkkaConfigurationBuilder WithClusterPoolExecutor(this AkkaConfigurationBuilder builder, string name) =>
        builder.WithClusterPoolExecutor(name, new ClusterPoolExecutorOptions());

    /// <summary>Registers a <see cref="ClusterPoolExecutor"/> named <paramref name="name"/> using at most <paramref name="maxWorkers"/>
    /// node workers, its secret from <c>ACTORPOOL_CLUSTER_SECRET</c>.</summary>
    public static AkkaConfigurationBuilder WithClusterPoolExecutor(this AkkaConfigurationBuilder builder, string name, int maxWorkers) =>
        builder.WithClusterPoolExecutor(name, new ClusterPoolExecutorOptions { MaxWorkers = maxWorkers });

    /// <summary>
    /// Registers a <see cref="ClusterPoolExecutor"/> named <paramref name="name"/>, its router in the hosted actor system
    /// and its workers on the worker nodes that join that system's cluster. It is created when the system starts;
    /// resolve it with <c>system.GetExecutor&lt;ClusterPoolExecutor&gt;(name)</c> and give nodes its
    /// <see cref="ClusterPoolExecutor.Address"/> as their seed. It is shut down, its queued work finished, in the system's
    /// coordinated shutdown, before the system leaves the cluster.
    /// </summary>
    /// <remarks>
    /// <para>The hosted system must be a cluster member (<c>akka.actor.provider = cluster</c>, with the address nodes reach)
    /// named as the nodes name theirs (<c>actorpool.cluster.system-name</c>, "actorpool"). This registration does not turn
    /// clustering on for you, since that changes the whole application's actor system and opens a port; if it is off,
    /// or the name differs, the start fails with an <see cref="InvalidOperationException"/> that says what to set.</para>
    /// <para>The hosted system is the coordinator. When <c>akka.cluster.seed-nodes</c> is empty, the registration joins the
    /// system to itself as the cluster's first member, as a <see cref="ClusterPoolExecutor"/> with a system of its own
    /// does; with seed-nodes set, Akka.Cluster joins through them and the registration joins nothing.</para>
    /// <para>Before the system starts, it adds ActorPool's cluster defaults (hocon/cluster.conf) to the system's HOCON as
    /// fallbacks, so your own HOCON wins: the <c>actorpool.cluster</c> keys, the protocol serializers,
    /// <c>akka.cluster.roles = [actorpool-coordinator]</c>, and the split-brain resolver that keeps the coordinator's side.
    /// The provider, address, frame size and log levels stay the app's. If you set <c>akka.cluster.roles</c>, include
    /// <c>actorpool-coordinator</c>; a warning is logged at start if it is missing.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">No secret (none given and <c>ACTORPOOL_CLUSTER_SECRET</c> unset or empty), an
    /// empty one, <see cref="ClusterPoolExecutorOptions.MaxWorkers"/> ≤ 0, an initializer that captures state, or a
    /// <see cref="ClusterPoolExecutorOptions.Hostname"/>, <see cref="ClusterPoolExecutorOptions.Port"/> or
    /// <see cref="ClusterPoolExecutorOptions.Config"/> (the app's system has its own).</exception>
    public static AkkaConfigurationBuilder WithClusterPoolExecutor(this AkkaConfigurationBuilder builder, string name, ClusterPoolExecutorOptions options)
    {
        HostedRegistration.CheckArguments(builder, name, options);
        if (options.Hostname is not null || options.Port is not null || options.Config is not null)
        {
            throw new ArgumentException(
                $"The cluster pool '{name}' was given a Hostname, Port or Config, which apply only to a ClusterPoolExecutor that makes its " +
                "own actor system. A hosted one runs in the app's actor system: set its address and HOCON there (AddAkka, WithRemoting, " +
                "WithClustering), and leave these null.", nameof(options));
        }

        if (options.Secret is { } given && string.IsNullOrWhiteSpace(given))
        {
            throw new ArgumentException(
                $"The cluster pool '{name}' was given an empty Secret. Set it to the secret its worker nodes hold, " +
                $"or leave it null to read the {ClusterSecret.Variable} environment variable.", nameof(options));
        }

        var secret = ClusterSecret.Resolve(options.Secret, $"The cluster pool '{name}'");
        var executorOptions = new ClusterPoolExecutorOptions { Secret = secret, MaxWorkers = options.MaxWorkers, Initializer = options.Initializer };
        return HostedRegistration.AddExecutor(
            builder.AddHocon(ClusterConfig.CoordinatorDefaults, HoconAddMode.Append),
            name,
            options.MaxWorkers,
            options.Initializer,
            isDefault: false,
            (system, loggerFactory) =>
            {
                CheckCoordinator(system, name);
                JoinSelfUnlessSeeded(system);
                executorOptions.LoggerFactory = loggerFactory;
                return new ClusterPoolExecutor(executorOptions, system);
            });
    }

    private static void CheckCoordinator(ActorSystem system, string name)
    {
        if (system is not ExtendedActorSystem { Provider: IClusterActorRefProvider })
        {
            throw new InvalidOperationException(
                $"The cluster pool '{name}' coordinates worker nodes through Akka.Cluster, but actor system '{system.Name}' is not a " +
                "cluster member. Set akka.actor.provider = cluster, akka.remote.dot-netty.tcp.hostname = \"127.0.0.1\" (or an interface " +
                "the nodes reach) and akka.remote.dot-netty.tcp.port = 0 (or the fixed port the nodes are given) in its HOCON (builder.AddHocon(...)).");
        }

        var expected = system.Settings.Config.GetString("actorpool.cluster.system-name");
        if (!string.Equals(system.Name, expected, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The cluster pool '{name}' runs in actor system '{system.Name}', but worker nodes name their actor systems '{expected}' " +
                $"(actorpool.cluster.system-name) and the members of a cluster must share one name. Name the hosted system '{expected}' " +
                $"(services.AddAkka(\"{expected}\", ...)), or set actorpool.cluster.system-name = \"{system.Name}\" here and on the nodes.");
        }
    }

    private static void JoinSelfUnlessSeeded(ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        if (cluster.Settings.SeedNodes.Count == 0 && JoinedSelf.TryAdd(system, new object()))
        {
            cluster.Join(cluster.SelfAddress);
        }

        var config = system.Settings.Config;
        var role = config.GetString("actorpool.cluster.coordinator-role");
        if (!cluster.SelfRoles.Contains(role)
            && config.GetString("akka.cluster.split-brain-resolver.active-strategy") == "keep-oldest"
            && config.GetString("akka.cluster.split-brain-resolver.keep-oldest.role") == role)
        {
            system.Log.Warning(
                "Actor system {0} coordinates cluster pools but lacks the cluster role {1}, which the split-brain resolver keeps: " +
                "add it to akka.cluster.roles, or a partition may down this system rather than the worker nodes.", system.Name, role);
        }
    }
}
