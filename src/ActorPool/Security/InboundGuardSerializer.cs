using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace ActorPool.Security;

/// <summary>
/// One of Akka's serializers, with the same identifier, that refuses to read some of its messages when they arrive from
/// another process: messages that no ActorPool process ever sends to another, and that would let any peer harm the
/// receiver. Akka then drops the message. Configured in place of the serializer it wraps, under the same name.
/// </summary>
/// <remarks>
/// Untrusted mode drops what Akka marks possibly harmful (PoisonPill, remote deployment, selections), but not
/// <see cref="Kill"/>, which crashes the actor it reaches: sent to a cluster's core daemon, it shuts the member down.
/// </remarks>
/// <param name="system">The actor system.</param>
/// <param name="inner">Akka's serializer.</param>
/// <param name="identifier">Its identifier in Akka's own configuration, for a system that has not loaded that configuration
/// (a hosted system that is not a cluster member yet, say, given the cluster's defaults).</param>
/// <param name="refused">The manifests refused from the wire.</param>
internal abstract class InboundGuardSerializer(ExtendedActorSystem system, SerializerWithStringManifest inner, int identifier, IReadOnlySet<string> refused)
    : SerializerWithStringManifest(system)
{
    private readonly int id = IdentifierOf(inner, identifier);

    public override int Identifier => id;

    /// <summary><paramref name="inner"/>'s identifier from Akka's configuration, or <paramref name="fallback"/> where that is not loaded.</summary>
    internal static int IdentifierOf(Serializer inner, int fallback)
    {
        try
        {
            return inner.Identifier;
        }
        catch (Exception e) when (e is ArgumentException or Akka.Configuration.ConfigurationException)
        {
            return fallback;
        }
    }

    public override string Manifest(object o) => inner.Manifest(o);

    public override byte[] ToBinary(object obj) => inner.ToBinary(obj);

    public override object FromBinary(byte[] bytes, string manifest) =>
        refused.Contains(manifest)
            ? throw new SerializationException($"Refused a '{manifest}' message from another process: ActorPool's systems accept it only from themselves.")
            : inner.FromBinary(bytes, manifest);
}

/// <summary>Akka.Remote's <see cref="Akka.Remote.Serialization.MiscMessageSerializer"/>, refusing <see cref="Kill"/> from the wire.</summary>
internal sealed class GuardedMiscMessageSerializer(ExtendedActorSystem system)
    : InboundGuardSerializer(system, new Akka.Remote.Serialization.MiscMessageSerializer(system), 16, new HashSet<string> { "K" });

/// <summary>
/// Akka.Remote's <see cref="Akka.Remote.Serialization.SystemMessageSerializer"/>, reading from the wire only what remote
/// DeathWatch needs (<c>Watch</c>, <c>Unwatch</c>, <c>DeathWatchNotification</c>). The others (<c>Create</c>,
/// <c>Recreate</c>, <c>Suspend</c>, <c>Resume</c>, <c>Supervise</c>, <c>Failed</c>, <c>Terminate</c>) pass between
/// systems only for remotely deployed actors, which ActorPool's systems refuse; from a peer, <c>Suspend</c> would
/// freeze the actor it reaches, and untrusted mode lets it through.
/// </summary>
internal sealed class GuardedSystemMessageSerializer : Serializer
{
    private static readonly HashSet<Type> Allowed =
        [typeof(Akka.Dispatch.SysMsg.Watch), typeof(Akka.Dispatch.SysMsg.Unwatch), typeof(Akka.Dispatch.SysMsg.DeathWatchNotification)];

    private readonly Akka.Remote.Serialization.SystemMessageSerializer inner;
    private readonly int id;

    public GuardedSystemMessageSerializer(ExtendedActorSystem system)
        : base(system)
    {
        inner = new Akka.Remote.Serialization.SystemMessageSerializer(system);
        id = InboundGuardSerializer.IdentifierOf(inner, 22); // Akka.Remote's own identifier for it
    }

    public override int Identifier => id;

    public override bool IncludeManifest => inner.IncludeManifest;

    public override byte[] ToBinary(object obj) => inner.ToBinary(obj);

    public override object FromBinary(byte[] bytes, Type type) =>
        type is not null && Allowed.Contains(type)
            ? inner.FromBinary(bytes, type)
            : throw new SerializationException($"Refused a {type?.Name ?? "system"} message from another process: ActorPool's systems accept only DeathWatch's.");
}

/// <summary>
/// Akka's default JSON serializer (Newtonsoft, with type names in the payload), for what this system sends only: from
/// another process it reads nothing, since a payload that names its own types is a way to make the receiver build
/// objects of a peer's choosing. Every message ActorPool's systems exchange has a serializer of its own.
/// </summary>
internal sealed class SendOnlyJsonSerializer : Serializer
{
    private readonly NewtonSoftJsonSerializer inner;

    /// <summary>Akka makes it with the JSON serializer's settings (<c>akka.actor.serialization-settings.json</c>).</summary>
    public SendOnlyJsonSerializer(ExtendedActorSystem system, Akka.Configuration.Config config)
        : base(system) => inner = new NewtonSoftJsonSerializer(system, config);

    /// <summary>Akka makes it so when the settings are absent.</summary>
    public SendOnlyJsonSerializer(ExtendedActorSystem system)
        : base(system) => inner = new NewtonSoftJsonSerializer(system);

    public override int Identifier => 1; // Akka's own for its JSON serializer, fixed in its code

    public override bool IncludeManifest => inner.IncludeManifest;

    public override byte[] ToBinary(object obj) => inner.ToBinary(obj);

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException($"Refused a JSON-serialized {type?.Name ?? "message"} from another process: ActorPool's systems read no JSON from the wire.");
}
