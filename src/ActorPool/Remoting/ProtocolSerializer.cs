using Akka.Actor;
using Akka.Configuration;
using System.Runtime.Serialization;
using Akka.Serialization;

namespace ActorPool.Remoting;

/// <summary>
/// A compact binary format for <see cref="IProcessPoolMessage"/>s. Akka's default (Newtonsoft JSON with type
/// names) is slower and would let a peer name any type to load; this one knows exactly six messages.
/// </summary>
internal sealed class ProtocolSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4771;

    public override int Identifier => Id;

    /// <summary>
    /// Binds the protocol to this serializer in a caller's actor system, through configuration rather than code:
    /// Akka rebuilds its serializers whenever a fallback is injected (ours or a plugin's), and only configured
    /// bindings survive that.
    /// </summary>
    public static void Register(ActorSystem system)
    {
        system.Settings.InjectTopLevelFallback(ConfigurationFactory.ParseString($$"""
            akka.actor.serializers.actorpool = "{{typeof(ProtocolSerializer).AssemblyQualifiedName}}"
            akka.actor.serialization-bindings { "{{typeof(IProcessPoolMessage).AssemblyQualifiedName}}" = actorpool }
            """));
    }

    public override string Manifest(object o) => o switch
    {
        CallItem => "C",
        CallBatch => "B",
        ResultItem => "R",
        ResultBatch => "S",
        RegisterWorker => "W",
        WorkerInitializerFailed => "I",
        _ => throw new ArgumentException($"{o.GetType()} is not an ActorPool protocol message.", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            switch (obj)
            {
                case CallItem call:
                    w.Write(call.Secret);
                    WriteCall(w, call);
                    break;
                case CallBatch batch:
                    w.Write(batch.Secret);
                    w.Write(batch.Calls.Length);
                    foreach (var call in batch.Calls)
                    {
                        WriteCall(w, call);
                    }

                    break;
                case ResultItem result:
                    WriteResult(w, result);
                    break;
                case ResultBatch batch:
                    w.Write(batch.Results.Length);
                    foreach (var result in batch.Results)
                    {
                        WriteResult(w, result);
                    }

                    break;
                case RegisterWorker register:
                    w.Write(register.Secret);
                    w.Write(register.ProcessId);
                    w.Write(Serialization.SerializedActorPath(register.Worker));
                    break;
                case WorkerInitializerFailed failed:
                    w.Write(failed.Secret);
                    w.Write(failed.ProcessId);
                    Write(w, failed.Error);
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType()} is not an ActorPool protocol message.", nameof(obj));
            }
        }

        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false));
        switch (manifest)
        {
            case "C":
                return ReadCall(r, r.ReadString());
            case "B":
                var secret = r.ReadString();
                var calls = new CallItem[Count(r, MaxBatch)];
                for (var i = 0; i < calls.Length; i++)
                {
                    calls[i] = ReadCall(r, secret);
                }

                return new CallBatch(secret, calls);
            case "R":
                return ReadResult(r);
            case "S":
                var results = new ResultItem[Count(r, MaxBatch)];
                for (var i = 0; i < results.Length; i++)
                {
                    results[i] = ReadResult(r);
                }

                return new ResultBatch(results);
            case "W":
                return new RegisterWorker(r.ReadString(), r.ReadInt32(), system.Provider.ResolveActorRef(r.ReadString()));
            case "I":
                return new WorkerInitializerFailed(r.ReadString(), r.ReadInt32(), ReadError(r)!);
            default:
                throw new ArgumentException($"Unknown ActorPool protocol manifest '{manifest}'.", nameof(manifest));
        }
    }

    /// <summary>More calls than any worker holds at once is a malformed message.</summary>
    private const int MaxBatch = 1 << 16;

    private static void WriteCall(BinaryWriter w, CallItem call)
    {
        w.Write(call.Id);
        Write(w, call.Function);
        w.Write(call.IsChunk);
        w.Write(call.Slot);
        w.Write(call.Arguments.Length);
        foreach (var argument in call.Arguments)
        {
            WriteBytes(w, argument);
        }
    }

    private static CallItem ReadCall(BinaryReader r, string secret)
    {
        var id = r.ReadInt64();
        var function = ReadDescriptor(r);
        var isChunk = r.ReadBoolean();
        var slot = r.ReadInt32();
        var arguments = new byte[Count(r, 64)][];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = ReadBytes(r)!;
        }

        return new CallItem(secret, id, function, isChunk, arguments, slot);
    }

    private static void WriteResult(BinaryWriter w, ResultItem result)
    {
        w.Write(result.Id);
        w.Write(result.Skipped);
        WriteBytes(w, result.Value);
        Write(w, result.Error);
    }

    private static ResultItem ReadResult(BinaryReader r)
    {
        var id = r.ReadInt64();
        var skipped = r.ReadBoolean();
        var value = ReadBytes(r);
        return new ResultItem(id, value, ReadError(r), skipped);
    }

    internal static void Write(BinaryWriter w, CallDescriptor d)
    {
        w.Write(d.DeclaringType);
        w.Write(d.MethodToken);
        w.Write(d.OnLambdaSingleton);
        w.Write(d.GenericArguments.Length);
        foreach (var name in d.GenericArguments)
        {
            w.Write(name);
        }
    }

    internal static CallDescriptor ReadDescriptor(BinaryReader r)
    {
        var type = r.ReadString();
        var token = r.ReadInt32();
        var onSingleton = r.ReadBoolean();
        var generics = new string[Count(r, 64)];
        for (var i = 0; i < generics.Length; i++)
        {
            generics[i] = r.ReadString();
        }

        return new CallDescriptor(type, token, generics, onSingleton);
    }

    private static void Write(BinaryWriter w, ErrorInfo? e)
    {
        w.Write(e is not null);
        if (e is null)
        {
            return;
        }

        w.Write(e.TypeName);
        w.Write(e.Message);
        w.Write(e.StackTrace ?? "");
        Write(w, e.Inner);
    }

    private static ErrorInfo? ReadError(BinaryReader r)
    {
        if (!r.ReadBoolean())
        {
            return null;
        }

        var type = r.ReadString();
        var message = r.ReadString();
        var stack = r.ReadString();
        return new ErrorInfo(type, message, stack.Length == 0 ? null : stack, ReadError(r));
    }

    private static void WriteBytes(BinaryWriter w, byte[]? bytes)
    {
        w.Write(bytes?.Length ?? -1);
        if (bytes is not null)
        {
            w.Write(bytes);
        }
    }

    private static byte[]? ReadBytes(BinaryReader r)
    {
        var length = r.ReadInt32();
        // A length past what is left is a malformed (or hostile) message: refuse it before allocating.
        if (length > r.BaseStream.Length - r.BaseStream.Position)
        {
            throw new SerializationException($"An ActorPool message claims {length} bytes where {r.BaseStream.Length - r.BaseStream.Position} remain.");
        }

        return length < 0 ? null : r.ReadBytes(length);
    }

    private static int Count(BinaryReader r, int max)
    {
        var count = r.ReadInt32();
        return count >= 0 && count <= max ? count : throw new SerializationException($"An ActorPool message claims {count} entries.");
    }
}
