using System.Runtime.Serialization;
using ActorPool.Cluster.Configuration;
using ActorPool.Wire;
using Akka.Actor;
using Akka.Serialization;

namespace ActorPool.Cluster.Protocol;

/// <summary>The cluster's four messages in a compact binary form; like <see cref="ProtocolSerializer"/>, it knows nothing else.</summary>
internal sealed class ClusterProtocolSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4772;

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        AttachWorkers => "A",
        AttachRefused => "R",
        NodeDraining => "D",
        WorkerReleased => "X",
        _ => throw new ArgumentException($"{o.GetType()} is not an ActorPool cluster message.", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            switch (obj)
            {
                case AttachWorkers attach:
                    ProtocolSerializer.WriteString(w, attach.Nonce);
                    ProtocolSerializer.WriteString(w, attach.Proof);
                    w.Write(attach.Workers);
                    w.Write(attach.MaxPayloadSize);
                    w.Write(attach.FrameSize);
                    w.Write(attach.Initializer is not null);
                    if (attach.Initializer is not null)
                    {
                        ProtocolSerializer.Write(w, attach.Initializer);
                    }

                    break;
                case AttachRefused refused:
                    ProtocolSerializer.WriteString(w, refused.Proof);
                    w.Write(refused.MaxPayloadSize);
                    w.Write(refused.FrameSize);
                    break;
                case NodeDraining:
                    break;
                case WorkerReleased released:
                    ProtocolSerializer.WriteString(w, released.Worker);
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType()} is not an ActorPool cluster message.", nameof(obj));
            }
        }

        return stream.ToArray();
    }

    /// <summary>Reads a message as hostile input, as <see cref="ProtocolSerializer.FromBinary"/> does: anything malformed is a <see cref="SerializationException"/>.</summary>
    public override object FromBinary(byte[] bytes, string manifest) =>
        ProtocolSerializer.ReadWhole(bytes, manifest, "ActorPool cluster message", Read);

    private static object Read(BinaryReader r, string manifest)
    {
        switch (manifest)
        {
            case "A":
                var nonce = ProtocolSerializer.ReadString(r);
                var proof = ProtocolSerializer.ReadString(r);
                var workers = r.ReadInt32();
                var limits = ReadLimits(r, "An attach request");
                var initializer = r.ReadBoolean() ? ProtocolSerializer.ReadDescriptor(r) : null;
                return workers >= 0
                    ? new AttachWorkers(nonce, proof, workers, initializer, limits.MaxPayloadSize, limits.FrameSize)
                    : throw new SerializationException($"An attach request for {workers} workers.");
            case "R":
                var refusal = ProtocolSerializer.ReadString(r);
                var refused = ReadLimits(r, "A refusal");
                return new AttachRefused(refusal, refused.MaxPayloadSize, refused.FrameSize);
            case "D":
                return NodeDraining.Instance;
            case "X":
                return new WorkerReleased(ProtocolSerializer.ReadString(r));
            default:
                throw new SerializationException($"Unknown ActorPool cluster manifest '{manifest}'.");
        }
    }

    /// <summary>A payload limit and frame size no member could have (negative, or a frame over 2 GiB) are refused, not compared.</summary>
    private static PayloadLimits ReadLimits(BinaryReader r, string what)
    {
        var limits = new PayloadLimits(r.ReadInt64(), r.ReadInt64());
        return limits.IsValid ? limits : throw new SerializationException($"{what} with payload limits no member could have: {limits.MaxPayloadSize}, {limits.FrameSize}.");
    }
}
