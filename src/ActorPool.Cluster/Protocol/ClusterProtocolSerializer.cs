using System.Runtime.Serialization;
using ActorPool.Remoting;
using Akka.Actor;
using Akka.Serialization;

namespace ActorPool.Cluster.Protocol;

/// <summary>The cluster's three messages in a compact binary form; like <see cref="ProtocolSerializer"/>, it knows nothing else.</summary>
internal sealed class ClusterProtocolSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4772;

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        AttachWorkers => "A",
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
                    w.Write(attach.Nonce);
                    w.Write(attach.Proof);
                    w.Write(attach.Workers);
                    w.Write(attach.MaxPayload);
                    w.Write(attach.Initializer is not null);
                    if (attach.Initializer is not null)
                    {
                        ProtocolSerializer.Write(w, attach.Initializer);
                    }

                    break;
                case NodeDraining:
                    break;
                case WorkerReleased released:
                    w.Write(released.Worker);
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType()} is not an ActorPool cluster message.", nameof(obj));
            }
        }

        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false));
        switch (manifest)
        {
            case "A":
                var nonce = r.ReadString();
                var proof = r.ReadString();
                var workers = r.ReadInt32();
                var maxPayload = r.ReadInt64();
                var initializer = r.ReadBoolean() ? ProtocolSerializer.ReadDescriptor(r) : null;
                return workers >= 0 ? new AttachWorkers(nonce, proof, workers, initializer, maxPayload) : throw new SerializationException($"An attach request for {workers} workers.");
            case "D":
                return NodeDraining.Instance;
            case "X":
                return new WorkerReleased(r.ReadString());
            default:
                throw new ArgumentException($"Unknown ActorPool cluster manifest '{manifest}'.", nameof(manifest));
        }
    }
}
