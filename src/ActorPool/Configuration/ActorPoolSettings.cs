using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace ActorPool.Configuration;

/// <summary>The <c>actorpool</c> section of an actor system's configuration, read once per executor.</summary>
internal sealed record ActorPoolSettings(
    int Prefetch, string RouterDispatcher, int ThreadMaxWorkers, int ThreadPrefetch, string ThreadNamePrefix, int ThreadThroughput, TimeSpan ThreadShutdownTimeout,
    int ProcessMaxWorkers, int ProcessPrefetch, long MaxPayloadSize, TimeSpan ProcessStartupTimeout, TimeSpan ProcessStopTimeout, int SpareWorkers)
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

    /// <summary>Injects the defaults into <paramref name="system"/> (a no-op when already there) and reads them.</summary>
    public static ActorPoolSettings For(ActorSystem system)
    {
        // Probe a key users never set (a dispatcher's type), not one they do (actorpool.prefetch): a system whose
        // own HOCON tunes a setting or two still needs the rest, our dispatchers included.
        if (!system.Settings.Config.HasPath("actorpool.calling-thread-dispatcher.type"))
        {
            system.Settings.InjectTopLevelFallback(Reference);
        }

        return From(system.Settings.Config);
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

    /// <summary>Reads the settings from a configuration that includes the defaults.</summary>
    public static ActorPoolSettings From(Config root)
    {
        var config = root.GetConfig("actorpool");
        var prefetch = NotNegative(config, "prefetch");

        return new ActorPoolSettings(
            prefetch,
            config.GetString("router-dispatcher", ""),
            config.GetInt("thread-pool.max-workers"),
            NotNegative(config, "thread-pool.prefetch"),
            config.GetString("thread-pool.thread-name-prefix", ""),
            Math.Max(1, config.GetInt("thread-pool.throughput")),
            config.GetTimeSpan("thread-pool.shutdown-timeout"),
            config.GetInt("process-pool.max-workers"),
            NotNegative(config, "process-pool.prefetch"),
            config.GetByteSize("process-pool.max-payload-size") ?? 128L << 20,
            config.GetTimeSpan("process-pool.startup-timeout"),
            config.GetTimeSpan("process-pool.stop-timeout"),
            Math.Max(0, config.GetInt("process-pool.spare-workers")));
    }

    private static int NotNegative(Config config, string key)
    {
        var value = config.GetInt(key);
        return value >= 0 ? value : throw new ConfigurationException($"actorpool.{key} must be 0 or more, not {value}.");
    }

    private static Config LoadReference()
    {
        using var stream = typeof(ActorPoolSettings).Assembly.GetManifestResourceStream("ActorPool.reference.conf")
            ?? throw new InvalidOperationException("ActorPool's embedded reference.conf is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
