using ActorPool.Configuration;
using Akka.Configuration;

namespace ActorPool.Cluster;

/// <summary>hocon/cluster.conf as embedded, and the actor system configurations built from it.</summary>
internal static class ClusterConfig
{
    private static readonly Lazy<Config> LazyReference = new(() => ConfigurationFactory.ParseString(Text()).WithFallback(ActorPoolSettings.Reference));

    private static readonly Lazy<Config> LazyCoordinatorDefaults = new(() => ConfigurationFactory.ParseString(Text() + """

        akka.actor.serializers = ${actorpool.cluster.akka.actor.serializers}
        akka.actor.serialization-bindings = ${actorpool.cluster.akka.actor.serialization-bindings}
        akka.cluster = ${actorpool.cluster.akka.cluster}
        akka.cluster.roles = [${actorpool.cluster.coordinator-role}]
        """));

    private static readonly Lazy<Config> LazyRunningSystemDefaults = new(() => ConfigurationFactory.ParseString(Text() + """

        akka.actor.serializers = ${actorpool.cluster.akka.actor.serializers}
        akka.actor.serialization-bindings = ${actorpool.cluster.akka.actor.serialization-bindings}
        """).WithFallback(ActorPoolSettings.Reference));

    /// <summary>The cluster defaults over ActorPool's own.</summary>
    public static Config Reference => LazyReference.Value;

    /// <summary>
    /// What an executor given a running system may add to it: the <c>actorpool</c> keys and our serializers. Nothing
    /// under <c>akka.remote</c> or <c>akka.cluster</c>: those took effect when the system started, and a fallback
    /// injected now would only make the configuration disagree with the transport (a frame size it does not have).
    /// </summary>
    public static Config RunningSystemDefaults => LazyRunningSystemDefaults.Value;

    /// <summary>
    /// What a coordinator that the app hosts takes from the cluster defaults, for its HOCON's fallback before it
    /// starts: the <c>actorpool.cluster</c> keys, our serializers, the coordinator role and the split-brain and
    /// failure-detector settings. Not the provider, address, frame size or log levels: those are the app's.
    /// </summary>
    public static Config CoordinatorDefaults => LazyCoordinatorDefaults.Value;

    /// <summary>
    /// A member's system config: the options set in code (<paramref name="hostname"/>, <paramref name="port"/>, the
    /// role), then <paramref name="user"/>'s HOCON, then the defaults. Members join in code, not through seed-nodes.
    /// </summary>
    public static Config ForMember(Config? user, string? hostname, int? port, string roleKey)
    {
        var withDefaults = (user ?? Config.Empty).WithFallback(Reference);
        var lines = new List<string> { $"akka.cluster.roles = [{Quote(withDefaults.GetString($"actorpool.cluster.{roleKey}"))}]" };
        if (hostname is not null)
        {
            lines.Add($"akka.remote.dot-netty.tcp.hostname = {Quote(hostname)}");
        }

        if (port is not null)
        {
            lines.Add($"akka.remote.dot-netty.tcp.port = {port}");
        }

        var akkaDefaults = Reference.GetConfig("actorpool.cluster");
        return ConfigurationFactory.ParseString(string.Join('\n', lines)).WithFallback(user ?? Config.Empty).WithFallback(akkaDefaults).WithFallback(Reference);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Text()
    {
        using var stream = typeof(ClusterConfig).Assembly.GetManifestResourceStream("ActorPool.Cluster.cluster.conf")
            ?? throw new InvalidOperationException("ActorPool.Cluster's embedded cluster.conf is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
