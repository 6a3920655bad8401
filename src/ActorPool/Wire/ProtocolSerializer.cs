using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace ActorPool.Wire;

/// <summary>
/// A compact binary format for <see cref="IProcessPoolMessage"/>s. Akka's default (Newtonsoft JSON with type
/// names) is slower and would let a peer name any type to load; this one knows exactly nine messages.
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
        ResultBatch => "S",
        RegisterWorker => "W",
        WorkerInitializerFailed => "I",
        CancelCall => "X",
        WorkerLogRecord => "L",
        ClaimNext => "N",
        ClaimAnswer => "G",
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
                    WriteString(w, call.Secret);
                    WriteCall(w, call);
                    break;
                case CallBatch batch:
                    WriteString(w, batch.Secret);
                    w.Write(batch.Calls.Length);
                    foreach (var call in batch.Calls)
                    {
                        WriteCall(w, call);
                    }

                    break;
                case ResultBatch batch:
                    WriteString(w, batch.Key);
                    w.Write(batch.Results.Length);
                    foreach (var result in batch.Results)
                    {
                        WriteResult(w, result);
                    }

                    break;
                case RegisterWorker register:
                    WriteString(w, register.Secret);
                    w.Write(register.ProcessId);
                    WriteString(w, Serialization.SerializedActorPath(register.Worker));
                    break;
                case CancelCall cancel:
                    WriteString(w, cancel.Secret);
                    w.Write(cancel.Id);
                    break;
                case WorkerInitializerFailed failed:
                    WriteString(w, failed.Secret);
                    w.Write(failed.ProcessId);
                    Write(w, failed.Error);
                    break;
                case ClaimNext next:
                    WriteString(w, next.Key);
                    w.Write(next.Started);
                    w.Write(next.Seen);
                    break;
                case ClaimAnswer answer:
                    WriteString(w, answer.Secret);
                    w.Write(answer.Id);
                    w.Write(answer.Granted);
                    break;
                case WorkerLogRecord record:
                    WriteString(w, record.Key);
                    w.Write(record.ProcessId);
                    w.Write((byte)record.Level);
                    WriteString(w, record.Source);
                    WriteString(w, record.Text);
                    w.Write(record.Dropped);
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType()} is not an ActorPool protocol message.", nameof(obj));
            }
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Reads a message as hostile input: every count and length is checked against what remains of
    /// <paramref name="bytes"/> before anything is allocated for it, nothing recurses deeper than
    /// <see cref="ErrorInfo.MaxDepth"/>, and anything malformed is a <see cref="SerializationException"/>
    /// (Akka drops the message), never a crash.
    /// </summary>
    public override object FromBinary(byte[] bytes, string manifest) => ReadWhole(bytes, manifest, "ActorPool message", Read);

    /// <summary>
    /// Reads all of <paramref name="bytes"/> with <paramref name="read"/> (this serializer's, or the cluster's): bytes
    /// past the message's end, a truncated message or bad UTF-8 are a <see cref="SerializationException"/> naming
    /// <paramref name="what"/> and the manifest.
    /// </summary>
    internal static object ReadWhole(byte[] bytes, string manifest, string what, Func<BinaryReader, string, object> read)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false));
        try
        {
            var message = read(r, manifest);
            return r.BaseStream.Position == r.BaseStream.Length
                ? message
                : throw new SerializationException($"An {what} ('{manifest}') has {r.BaseStream.Length - r.BaseStream.Position} bytes past its end.");
        }
        catch (Exception e) when (e is EndOfStreamException or DecoderFallbackException or FormatException)
        {
            throw new SerializationException($"A malformed {what} ('{manifest}'): {e.Message}", e);
        }
    }

    private object Read(BinaryReader r, string manifest)
    {
        switch (manifest)
        {
            case "C":
                return ReadCall(r, ReadString(r));
            case "B":
                var secret = ReadString(r);
                var calls = new CallItem[Count(r, MaxBatch, MinCallBytes)];
                for (var i = 0; i < calls.Length; i++)
                {
                    calls[i] = ReadCall(r, secret);
                }

                return new CallBatch(secret, calls);
            case "S":
                var key = ReadString(r);
                var results = new ResultItem[Count(r, MaxBatch, MinResultBytes)];
                for (var i = 0; i < results.Length; i++)
                {
                    results[i] = ReadResult(r);
                }

                return new ResultBatch(key, results);
            case "W":
                return new RegisterWorker(ReadString(r), r.ReadInt32(), system.Provider.ResolveActorRef(ReadString(r)));
            case "X":
                return new CancelCall(ReadString(r), r.ReadInt64());
            case "I":
                return new WorkerInitializerFailed(ReadString(r), r.ReadInt32(), ReadError(r, 0) ?? throw new SerializationException("An initializer failure without its error."));
            case "L":
                return ReadLogRecord(r);
            case "N":
                return new ClaimNext(ReadString(r), ReadCallId(r), ReadCount(r));
            case "G":
                return new ClaimAnswer(ReadString(r), ReadCallId(r), ReadFlag(r));
            default:
                throw new SerializationException($"Unknown ActorPool protocol manifest '{manifest}'.");
        }
    }

    /// <summary>
    /// A worker's log record: its level one of <see cref="Microsoft.Extensions.Logging.LogLevel"/>'s below None, its
    /// source and text within what a worker sends (3 bytes a character at most), its dropped count not negative.
    /// </summary>
    private static WorkerLogRecord ReadLogRecord(BinaryReader r)
    {
        var key = ReadString(r);
        var pid = r.ReadInt32();
        var level = r.ReadByte();
        if (level > (byte)Microsoft.Extensions.Logging.LogLevel.Critical)
        {
            throw new SerializationException($"A worker log record of unknown level {level}.");
        }

        var source = ReadString(r, 3 * WorkerLogRecord.MaxSourceLength);
        var text = ReadString(r, 3 * WorkerLogRecord.MaxTextLength);
        var dropped = r.ReadInt32();
        return dropped >= 0
            ? new WorkerLogRecord(key, pid, level, source, text, dropped)
            : throw new SerializationException($"A worker log record claims {dropped} dropped records.");
    }

    /// <summary>A call's id: its proxy numbers calls from 1, so zero or less is a malformed message.</summary>
    private static long ReadCallId(BinaryReader r)
    {
        var id = r.ReadInt64();
        return id > 0 ? id : throw new SerializationException($"A call id of {id}.");
    }

    /// <summary>A count of messages: zero or more.</summary>
    private static long ReadCount(BinaryReader r)
    {
        var count = r.ReadInt64();
        return count >= 0 ? count : throw new SerializationException($"A message count of {count}.");
    }

    /// <summary>A bool written as 0 or 1; any other byte is a malformed message.</summary>
    private static bool ReadFlag(BinaryReader r) => r.ReadByte() switch
    {
        0 => false,
        1 => true,
        var other => throw new SerializationException($"A flag of {other}."),
    };

    /// <summary>More calls than any worker holds at once is a malformed message.</summary>
    private const int MaxBatch = 1 << 16;

    /// <summary>The fewest bytes a call, a result, a string or a byte array takes on the wire: a count is checked against them.</summary>
    private const int MinCallBytes = 8 + MinStringBytes + 4 + 1 + 4 + 4 + 1 + 4;

    private const int MinResultBytes = 8 + 1 + 1 + 4 + 1;

    private const int MinStringBytes = 4;

    /// <summary>The parts of a call that follow its slot only when it has them: its limits, its trace context.</summary>
    private const byte HasLimits = 1;

    private const byte HasTrace = 2;

    private const byte AwaitsClaimPart = 4;

    private static void WriteCall(BinaryWriter w, CallItem call)
    {
        w.Write(call.Id);
        Write(w, call.Function);
        w.Write(call.IsChunk);
        w.Write(call.Slot);
        // One byte says which optional parts follow; most calls have none, and a call without a trace is written as before
        // trace contexts were added (the byte was then a bool for the limits).
        var traced = call.Trace != default;
        w.Write((byte)((call.Limits.Stoppable ? HasLimits : 0) | (traced ? HasTrace : 0) | (call.AwaitsClaim ? AwaitsClaimPart : 0)));
        if (call.Limits.Stoppable)
        {
            w.Write(call.Limits.Timeout.Ticks);
            w.Write(call.Limits.Grace.Ticks);
        }

        if (traced)
        {
            TraceContextCodec.Write(w, call.Trace);
        }

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
        var parts = r.ReadByte();
        if ((parts & ~(HasLimits | HasTrace | AwaitsClaimPart)) != 0)
        {
            throw new SerializationException($"A call with unknown parts (0x{parts:x2}).");
        }

        var limits = (parts & HasLimits) != 0 ? new CallLimits(ReadLimit(r), ReadLimit(r)) : default;
        if (limits != default && !limits.Stoppable)
        {
            throw new SerializationException("A stoppable call without a grace period.");
        }

        var trace = (parts & HasTrace) != 0 ? TraceContextCodec.Read(r) : default; // a malformed one is none: the call runs untraced

        var arguments = new byte[Count(r, 64, 4)][];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = ReadBytes(r) ?? throw new SerializationException("A call with a missing argument.");
        }

        return new CallItem(secret, id, function, isChunk, arguments, slot, limits, trace) { AwaitsClaim = (parts & AwaitsClaimPart) != 0 };
    }

    /// <summary>A call's timeout or grace period: zero (none) up to the longest a timer counts.</summary>
    private static TimeSpan ReadLimit(BinaryReader r)
    {
        var ticks = r.ReadInt64();
        return ticks >= 0 && ticks <= CallOptions.Longest.Ticks
            ? TimeSpan.FromTicks(ticks)
            : throw new SerializationException($"A call limit of {ticks} ticks is out of range.");
    }

    // What a ResultItem is, in its first byte after the id.
    private const byte AnswerKind = 0;
    private const byte SkippedKind = 1;
    private const byte ProgressKind = 2;

    // Set in a result's stop-reason byte when the call was stopped by giving up its thread (never without a reason).
    private const byte AbandonedFlag = 0x80;

    private static void WriteResult(BinaryWriter w, ResultItem result)
    {
        w.Write(result.Id);
        w.Write(result.Progress ? ProgressKind : result.Skipped ? SkippedKind : AnswerKind);
        w.Write((byte)((byte)result.Stopped | (result.Abandoned ? AbandonedFlag : 0)));
        WriteBytes(w, result.Value);
        Write(w, result.Error);
    }

    private static ResultItem ReadResult(BinaryReader r)
    {
        var id = r.ReadInt64();
        var kind = r.ReadByte();
        if (kind > ProgressKind)
        {
            throw new SerializationException($"An unknown kind of answer {kind}.");
        }

        var stop = r.ReadByte();
        var stopped = (stop & ~AbandonedFlag) switch
        {
            0 when stop == 0 => Calls.StopReason.None,
            1 => Calls.StopReason.Canceled,
            2 => Calls.StopReason.TimedOut,
            _ => throw new SerializationException($"An unknown stop reason {stop}."),
        };
        var value = ReadBytes(r);
        var error = ReadError(r, 0);
        if (kind == ProgressKind && (value is null || error is not null || stop != 0))
        {
            throw new SerializationException("A progress value must carry its value and nothing else.");
        }

        return new ResultItem(id, value, error, kind == SkippedKind, stopped, kind == ProgressKind, (stop & AbandonedFlag) != 0);
    }

    internal static void Write(BinaryWriter w, CallDescriptor d)
    {
        WriteString(w, d.DeclaringType);
        w.Write(d.MethodToken);
        w.Write(d.OnLambdaSingleton);
        w.Write(d.GenericArguments.Length);
        foreach (var name in d.GenericArguments)
        {
            WriteString(w, name);
        }
    }

    internal static CallDescriptor ReadDescriptor(BinaryReader r)
    {
        var type = ReadString(r);
        var token = r.ReadInt32();
        var onSingleton = r.ReadBoolean();
        var generics = new string[Count(r, 64, MinStringBytes)];
        for (var i = 0; i < generics.Length; i++)
        {
            generics[i] = ReadString(r);
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

        WriteString(w, e.TypeName);
        WriteString(w, e.Message);
        WriteString(w, e.StackTrace ?? "");
        w.Write(e.Inner.Length);
        foreach (var inner in e.Inner)
        {
            Write(w, inner);
        }
    }

    /// <summary>An error and its inner errors, at most <see cref="ErrorInfo.MaxDepth"/> deep: the recursion is bounded by the reader, not by the input.</summary>
    private static ErrorInfo? ReadError(BinaryReader r, int depth)
    {
        if (!r.ReadBoolean())
        {
            return null;
        }

        if (depth >= ErrorInfo.MaxDepth)
        {
            throw new SerializationException($"An ActorPool message nests errors deeper than {ErrorInfo.MaxDepth}.");
        }

        var type = ReadString(r);
        var message = ReadString(r);
        var stack = ReadString(r);
        var inner = new ErrorInfo[Count(r, ErrorInfo.MaxNodes, 1 + 3 * MinStringBytes + 4)];
        for (var i = 0; i < inner.Length; i++)
        {
            inner[i] = ReadError(r, depth + 1) ?? throw new SerializationException("An inner error that is missing.");
        }

        return new ErrorInfo(type, message, stack.Length == 0 ? null : stack, inner);
    }

    internal static void WriteString(BinaryWriter w, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    /// <summary>A UTF-8 string whose length is checked against what remains before it is read.</summary>
    internal static string ReadString(BinaryReader r)
    {
        var length = Length(r);
        return length < 0 ? throw new SerializationException("A string of negative length.") : Strict.GetString(r.ReadBytes(length));
    }

    /// <summary>A UTF-8 string of at most <paramref name="maxBytes"/> bytes, refused before it is read if longer.</summary>
    private static string ReadString(BinaryReader r, int maxBytes)
    {
        var length = Length(r);
        return length >= 0 && length <= maxBytes
            ? Strict.GetString(r.ReadBytes(length))
            : throw new SerializationException($"A string of {length} bytes where at most {maxBytes} are allowed.");
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
        var length = Length(r);
        return length < 0 ? null : r.ReadBytes(length);
    }

    /// <summary>A length (-1 for none) that fits in what is left: a length past it is a malformed (or hostile) message, refused before allocating.</summary>
    internal static int Length(BinaryReader r)
    {
        var length = r.ReadInt32();
        var left = r.BaseStream.Length - r.BaseStream.Position;
        return length >= -1 && length <= left
            ? length
            : throw new SerializationException($"An ActorPool message claims {length} bytes where {left} remain.");
    }

    /// <summary>A count of entries, each at least <paramref name="minBytes"/> long, that fits in both <paramref name="max"/> and what is left.</summary>
    internal static int Count(BinaryReader r, int max, int minBytes)
    {
        var count = r.ReadInt32();
        var left = r.BaseStream.Length - r.BaseStream.Position;
        return count >= 0 && count <= max && (long)count * minBytes <= left
            ? count
            : throw new SerializationException($"An ActorPool message claims {count} entries in {left} bytes.");
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
