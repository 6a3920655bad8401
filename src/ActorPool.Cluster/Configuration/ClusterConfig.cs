using ActorPool.Configuration;
using Akka.Configuration;

namespace ActorPool.Cluster.Configuration;

/// <summary>hocon/cluster.conf as embedded, and the actor system configurations built from it.</summary>
internal static class ClusterConfig
{
    private static readonly Lazy<Config> LazyReference = new(() => ConfigurationFactory.ParseString(Text()).WithFallback(ActorPoolConfig.Reference));

    private static readonly Lazy<Config> LazyCoordinatorDefaults = new(() => ConfigurationFactory.ParseString(Text() + """

        akka.actor.serializers.actorpool = ${actorpool.cluster.akka.actor.serializers.actorpool}
        akka.actor.serializers.actorpool-cluster = ${actorpool.cluster.akka.actor.serializers.actorpool-cluster}
        akka.actor.serialization-bindings = ${actorpool.cluster.akka.actor.serialization-bindings}
        akka.cluster = ${actorpool.cluster.akka.cluster}
        akka.cluster.roles = [${actorpool.cluster.coordinator-role}]
        """));

    private static readonly Lazy<Config> LazyRunningSystemDefaults = new(() => ConfigurationFactory.ParseString(Text() + """

        akka.actor.serializers.actorpool = ${actorpool.cluster.akka.actor.serializers.actorpool}
        akka.actor.serializers.actorpool-cluster = ${actorpool.cluster.akka.actor.serializers.actorpool-cluster}
        akka.actor.serialization-bindings = ${actorpool.cluster.akka.actor.serialization-bindings}
        """).WithFallback(ActorPoolConfig.Reference));

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
    /// starts: the <c>actorpool.cluster</c> keys, our protocol's serializers, the coordinator role and the split-brain and
    /// failure-detector settings, all as fallbacks, so whatever the app's HOCON or Akka.Hosting sets wins (a hosted
    /// system has been seen to keep Akka's keep-majority strategy: docs/hosting.md tells users to set it). Not the
    /// provider, address, frame size, log levels, untrusted mode or the guarded serializers: those are the app's
    /// (docs/security.md says what to set).
    /// </summary>
    public static Config CoordinatorDefaults => LazyCoordinatorDefaults.Value;

    /// <summary>
    /// A member's system config: the options set in code (<paramref name="hostname"/>, <paramref name="port"/>, the
    /// role, and <paramref name="extraRole"/> if any), then <paramref name="user"/>'s HOCON, then the defaults. Members join
    /// in code, not through seed-nodes.
    /// </summary>
    public static Config ForMember(Config? user, string? hostname, int? port, string roleKey, string? extraRole = null)
    {
        var withDefaults = (user ?? Config.Empty).WithFallback(Reference);
        var roles = Quote(withDefaults.GetString($"actorpool.cluster.{roleKey}")) + (extraRole is null ? "" : ", " + Quote(extraRole));
        var lines = new List<string> { $"akka.cluster.roles = [{roles}]" };
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

    /// <summary>
    /// Refuses a member that would listen on a network without TLS: the cluster's transport is then open to anyone who
    /// can reach the port. Loopback addresses need none (only this machine's users reach them, and a member still has
    /// to prove the secret to get or run work); <c>actorpool.cluster.allow-insecure-plaintext-network</c> opts out.
    /// </summary>
    /// <exception cref="ConfigurationException">The member binds a non-loopback address without mutual, validated TLS.</exception>
    public static void RequireTlsOffLoopback(Config config, string who)
    {
        var withDefaults = config.WithFallback(Reference);
        if (withDefaults.GetBoolean("actorpool.cluster.allow-insecure-plaintext-network", false))
        {
            return;
        }

        const string Tcp = "akka.remote.dot-netty.tcp";
        var hostname = withDefaults.GetString($"{Tcp}.hostname", "");
        var loopback = hostname.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                       || (System.Net.IPAddress.TryParse(hostname, out var ip) && System.Net.IPAddress.IsLoopback(ip));
        if (loopback)
        {
            return;
        }

        var missing = new List<string>();
        if (!withDefaults.GetBoolean($"{Tcp}.enable-ssl", false))
        {
            missing.Add($"{Tcp}.enable-ssl = true");
        }

        if (!withDefaults.GetBoolean($"{Tcp}.ssl.require-mutual-authentication", true))
        {
            missing.Add($"{Tcp}.ssl.require-mutual-authentication = true");
        }

        if (withDefaults.GetBoolean($"{Tcp}.ssl.suppress-validation", false))
        {
            missing.Add($"{Tcp}.ssl.suppress-validation = false");
        }

        if (missing.Count > 0)
        {
            throw new ConfigurationException(
                $"{who} would listen on '{(hostname.Length == 0 ? "every interface" : hostname)}' ({Tcp}.hostname) without TLS with mutual, validated " +
                $"certificates, so anyone who reaches that port could join the cluster and read or forge its calls. Set {string.Join(", ", missing)} " +
                "with each member's certificate (see hocon/cluster-tls.conf), bind 127.0.0.1, or, on a network that is itself private, " +
                "set actorpool.cluster.allow-insecure-plaintext-network = on.");
        }
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
