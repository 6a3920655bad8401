using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace ActorPool.Configuration;

/// <summary>
/// ActorPool's HOCON: the embedded defaults (hocon/reference.conf), the configurations of the systems ActorPool makes,
/// and their injection into a user's system. Each kind of pool reads its own section into its own settings
/// (<see cref="ThreadPoolSettings"/>, <see cref="ProcessPoolSettings"/>, and the cluster package's).
/// </summary>
internal static class ActorPoolConfig
{
    /// <summary>Where the pinned dispatcher of a worker process's call-running actor is configured.</summary>
    public const string ProcessWorkerDispatcher = "actorpool.process-pool.worker-dispatcher";

    /// <summary>The HOCON path of the Akka.Remote transport between a process pool's own system and its workers.</summary>
    public const string ProcessTransport = "akka.remote.loopback";

    private static readonly Lazy<Config> LazyReference = new(LoadReference);

    /// <summary>hocon/reference.conf, as embedded in this assembly.</summary>
    public static Config Reference => LazyReference.Value;

    /// <summary>The configuration for an actor system the executor creates and owns.</summary>
    public static Config OwnedSystemConfig => Reference.GetConfig("actorpool.owned-system").WithFallback(Reference);

    /// <summary>The configuration of a worker process's system, and of the parent's system when a process pool makes its own.</summary>
    public static Config ProcessSystemConfig => Reference.GetConfig("actorpool.process-pool.remoting").WithFallback(Reference);

    /// <summary>The configuration of the parent's system when a process pool makes its own: the workers', with its own changes.</summary>
    public static Config ProcessParentSystemConfig => Reference.GetConfig("actorpool.process-pool.parent-system").WithFallback(ProcessSystemConfig);

    /// <summary><c>actorpool.grace-period</c>: from a stop request to the forced stop, for calls whose options do not say.</summary>
    public static TimeSpan GracePeriod(Config root)
    {
        var grace = root.GetTimeSpan("actorpool.grace-period", TimeSpan.FromSeconds(5));
        return grace > TimeSpan.Zero && grace <= CallOptions.Longest
            ? grace
            : throw new ArgumentException($"actorpool.grace-period must be positive and at most {CallOptions.Longest.TotalDays:N0} days; it is {grace}.");
    }

    /// <summary>Injects the defaults into <paramref name="system"/> (a no-op when already there) and returns its configuration.</summary>
    public static Config For(ActorSystem system)
    {
        // Probe a key users never set (a dispatcher's type), not one they do (a prefetch): a system whose
        // own HOCON tunes a setting or two still needs the rest, our dispatchers included.
        if (!system.Settings.Config.HasPath("actorpool.calling-thread-dispatcher.type"))
        {
            system.Settings.InjectTopLevelFallback(Reference);
        }

        return system.Settings.Config;
    }

    /// <summary>
    /// Warns, once per executor, that a user's actor system with remoting accepts remote deployment: any peer that can
    /// connect to it can then create actors in it, and so run code. ActorPool's own systems turn it off; a system the
    /// app made keeps what the app chose.
    /// </summary>
    public static void WarnIfRemoteDeploymentAllowed(ActorSystem system, string executor)
    {
        if (system is ExtendedActorSystem { Provider: Akka.Remote.IRemoteActorRefProvider } && !system.Settings.Config.GetBoolean("akka.remote.untrusted-mode", false))
        {
            system.Log.Warning(
                "{0} runs in actor system '{1}', which has akka.remote.untrusted-mode = off: any process that can connect to its port can deploy " +
                "actors into it (run code), stop its actors and reach them by path. Set akka.remote.untrusted-mode = on, with " +
                "akka.remote.trusted-selection-paths = [\"/system/remote-watcher\"] (and, in a cluster, \"/system/cluster/core/daemon\" and " +
                "\"/system/cluster/heartbeatReceiver\"); see docs/security.md.",
                executor, system.Name);
        }
    }

    /// <summary>Reads <c>actorpool.{key}</c>, an integer that must not be negative.</summary>
    public static int NotNegative(Config root, string key)
    {
        var value = root.GetInt($"actorpool.{key}");
        return value >= 0 ? value : throw new ConfigurationException($"actorpool.{key} must be 0 or more, not {value}.");
    }

    /// <summary>The largest serialized argument list or result of one call (<c>actorpool.process-pool.max-payload-size</c>), before the frame size caps it.</summary>
    public static long MaxPayloadSize(Config root) => root.GetByteSize("actorpool.process-pool.max-payload-size") ?? 128L << 20;

    /// <summary>The dispatcher every executor's router runs on; "" means the actor system's default.</summary>
    public static string RouterDispatcher(Config root) => root.GetString("actorpool.router-dispatcher", "");

    private static Config LoadReference()
    {
        using var stream = typeof(ActorPoolConfig).Assembly.GetManifestResourceStream("ActorPool.reference.conf")
            ?? throw new InvalidOperationException("ActorPool's embedded reference.conf is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
