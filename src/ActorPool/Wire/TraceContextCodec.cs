using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ActorPool.Wire;

/// <summary>
/// A call's trace context on the wire, as W3C Trace Context has it: a <c>traceparent</c> and a <c>tracestate</c>, each a
/// length-prefixed ASCII string. Read as hostile input, but never at the call's expense: a context that is too long, not
/// printable ASCII, or not one <see cref="ActivityContext.TryParse(string, string, bool, out ActivityContext)"/> accepts is
/// read as absent, and the call runs without it.
/// </summary>
internal static class TraceContextCodec
{
    /// <summary>A version-00 <c>traceparent</c>: <c>00-{32 hex trace id}-{16 hex span id}-{2 hex flags}</c>, the only version .NET reads.</summary>
    public const int MaxTraceParentLength = 55;

    /// <summary>
    /// W3C asks platforms to carry at least 512 characters of <c>tracestate</c>; a longer one is dropped whole when written
    /// (W3C allows dropping list members) and read as absent, so no peer makes a worker keep more.
    /// </summary>
    public const int MaxTraceStateLength = 512;

    /// <summary>The most a trace context adds to a call on the wire: both strings and their lengths.</summary>
    public const int MaxBytes = 4 + MaxTraceParentLength + 4 + MaxTraceStateLength;

    public static void Write(BinaryWriter w, in ActivityContext context)
    {
        WriteAscii(w, string.Create(CultureInfo.InvariantCulture,
            $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(byte)context.TraceFlags:x2}"));
        WriteAscii(w, context.TraceState is { Length: > 0 and <= MaxTraceStateLength } state && IsPrintableAscii(state) ? state : null);
    }

    /// <summary>The context as read, marked remote; default (none) when it is malformed.</summary>
    public static ActivityContext Read(BinaryReader r)
    {
        var parent = ReadAscii(r, MaxTraceParentLength);
        var state = ReadAscii(r, MaxTraceStateLength);
        return parent is not null && ActivityContext.TryParse(parent, state, isRemote: true, out var context) && context.TraceId != default
            ? context
            : default;
    }

    private static void WriteAscii(BinaryWriter w, string? text)
    {
        if (text is null)
        {
            w.Write(-1);
            return;
        }

        w.Write(text.Length);
        w.Write(Encoding.ASCII.GetBytes(text));
    }

    /// <summary>
    /// A string of at most <paramref name="max"/> printable ASCII characters, or null for none, one too long (its bytes are
    /// skipped) or one with other bytes. Its length is checked against what remains before anything is read.
    /// </summary>
    private static string? ReadAscii(BinaryReader r, int max)
    {
        var length = ProtocolSerializer.Length(r);
        if (length < 0)
        {
            return null;
        }

        if (length > max)
        {
            r.BaseStream.Seek(length, SeekOrigin.Current);
            return null;
        }

        var bytes = r.ReadBytes(length);
        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7e)
            {
                return null;
            }
        }

        return Encoding.ASCII.GetString(bytes);
    }

    private static bool IsPrintableAscii(string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
