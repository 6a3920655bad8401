using Akka.Actor;
using Akka.Configuration;

namespace ActorPool.Configuration;

/// <summary>The <c>actorpool</c> section of an actor system's configuration, read once per executor.</summary>
internal sealed record ActorPoolSettings(
    int Prefetch, string RouterDispatcher, int ThreadMaxWorkers, string ThreadNamePrefix, int ThreadThroughput, TimeSpan ThreadShutdownTimeout)
{
    private static readonly Lazy<Config> LazyReference = new(LoadReference);

    /// <summary>hocon/reference.conf, as embedded in this assembly.</summary>
    public static Config Reference => LazyReference.Value;

    /// <summary>The configuration for an actor system the executor creates and owns.</summary>
    public static Config OwnedSystemConfig => Reference.GetConfig("actorpool.owned-system").WithFallback(Reference);

    /// <summary>Injects the defaults into <paramref name="system"/> (a no-op when already there) and reads them.</summary>
    public static ActorPoolSettings For(ActorSystem system)
    {
        if (!system.Settings.Config.HasPath("actorpool.prefetch"))
        {
            system.Settings.InjectTopLevelFallback(Reference);
        }

        var config = system.Settings.Config.GetConfig("actorpool");
        var prefetch = config.GetInt("prefetch");
        if (prefetch < 0)
        {
            throw new ConfigurationException($"actorpool.prefetch must be 0 or more, not {prefetch}.");
        }

        return new ActorPoolSettings(
            prefetch,
            config.GetString("router-dispatcher", ""),
            config.GetInt("thread-pool.max-workers"),
            config.GetString("thread-pool.thread-name-prefix", ""),
            Math.Max(1, config.GetInt("thread-pool.throughput")),
            config.GetTimeSpan("thread-pool.shutdown-timeout"));
    }

    private static Config LoadReference()
    {
        using var stream = typeof(ActorPoolSettings).Assembly.GetManifestResourceStream("ActorPool.reference.conf")
            ?? throw new InvalidOperationException("ActorPool's embedded reference.conf is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
