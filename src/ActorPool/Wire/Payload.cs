using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using ActorPool.Launching;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorPool.Wire;

/// <summary>
/// How arguments and results travel to and from worker processes: System.Text.Json, read and written as the
/// method's declared types. It is in the box (no extra package), carries no type names (so a message can
/// never make the receiver load a type it did not ask for), and handles primitives, strings, arrays, lists,
/// dictionaries, tuples (fields included), records and plain classes. Arrays of fixed-size numbers (and chars)
/// are the exception: they travel as their raw bytes behind a zero tag byte (no JSON text starts with one), since
/// JSON cost about 165 ns an item each way and bounded a Map of ints; byte[] thus also skips base64.
/// </summary>
internal static class Payload
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        IncludeFields = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private const byte RawTag = 0;

    /// <summary>
    /// Serializes <paramref name="value"/> as <paramref name="type"/>, stopping with a <see cref="PayloadLimitException"/>
    /// as soon as it would pass <paramref name="limit"/> bytes: a 1 GiB argument is refused after the first 128 MiB,
    /// not after all of it was written.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = TrimmingNotSupported.Justification)]
    public static byte[] Serialize(object? value, Type type, string what, long limit = long.MaxValue)
    {
        if (value is Array array && IsRawArray(type) && array.GetType() == type)
        {
            var size = Buffer.ByteLength(array);
            if (1L + size > limit)
            {
                throw new PayloadLimitException(1L + size);
            }

            var raw = new byte[1 + size];
            raw[0] = RawTag;
            Buffer.BlockCopy(array, 0, raw, 1, size);
            return raw;
        }

        var output = BoundedWriter.Rent(limit);
        try
        {
            JsonSerializer.Serialize(output.Json, value, type, Options);
            output.Json.Flush();
            return output.ToArray();
        }
        catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException or ArgumentException)
        {
            throw new PayloadException($"{what} of type {type.Name} cannot be sent between processes: {e.Message}", e);
        }
        finally
        {
            output.Return();
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = TrimmingNotSupported.Justification)]
    public static object? Deserialize(byte[] bytes, Type type, string what)
    {
        if (bytes is [RawTag, ..])
        {
            var element = IsRawArray(type) ? type.GetElementType()! : null;
            var width = element is null ? 0 : Buffer.ByteLength(Array.CreateInstance(element, 1));
            if (element is null || (bytes.Length - 1) % width != 0)
            {
                throw new PayloadException($"{what} arrived as raw bytes ({bytes.Length - 1:N0}), which cannot be read as {type.Name}.");
            }

            var array = Array.CreateInstance(element, (bytes.Length - 1) / width);
            Buffer.BlockCopy(bytes, 1, array, 0, bytes.Length - 1);
            return array;
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, type, Options);
        }
        catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException or ArgumentException)
        {
            throw new PayloadException($"{what} could not be read back as {type.Name}: {e.Message}", e);
        }
    }

    /// <summary>A one-dimensional array of a fixed-size number type (or char), on a little-endian machine: every byte pattern is a valid value.</summary>
    private static bool IsRawArray(Type type) =>
        BitConverter.IsLittleEndian && type.IsSZArray && Type.GetTypeCode(type.GetElementType()) is
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
            or TypeCode.Int64 or TypeCode.UInt64 or TypeCode.Single or TypeCode.Double or TypeCode.Char
        && !type.GetElementType()!.IsEnum;

    /// <summary>
    /// Where JSON is written: a growing buffer that refuses to be advanced past a limit, so serialization stops where
    /// the limit is passed. One per thread is kept for reuse while its buffer is small (a call's usual arguments).
    /// </summary>
    private sealed class BoundedWriter : IBufferWriter<byte>
    {
        private const int KeptBufferSize = 64 << 10;

        [ThreadStatic]
        private static BoundedWriter? cached;

        private byte[] buffer = new byte[256];
        private int written;
        private long limit;

        private BoundedWriter() => Json = new Utf8JsonWriter(this);

        public Utf8JsonWriter Json { get; }

        /// <summary>This thread's writer, emptied, or a new one if it is in use (a converter serializing inside a serialization).</summary>
        public static BoundedWriter Rent(long limit)
        {
            var writer = cached ?? new BoundedWriter();
            cached = null;
            writer.limit = limit;
            return writer;
        }

        public void Return()
        {
            written = 0;
            Json.Reset(this);
            if (buffer.Length <= KeptBufferSize)
            {
                cached = this;
            }
        }

        public byte[] ToArray() => buffer.AsSpan(0, written).ToArray();

        public void Advance(int count)
        {
            if (written + (long)count > limit)
            {
                throw new PayloadLimitException(written + (long)count);
            }

            written += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => Grow(sizeHint).AsMemory(written);

        public Span<byte> GetSpan(int sizeHint = 0) => Grow(sizeHint).AsSpan(written);

        private byte[] Grow(int sizeHint)
        {
            var needed = written + Math.Max(sizeHint, 1);
            if (needed > buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * buffer.Length)));
            }

            return buffer;
        }
    }
}

/// <summary>A payload passed its size limit while being serialized; <see cref="AtLeast"/> is how far it got.</summary>
internal sealed class PayloadLimitException(long atLeast) : Exception($"The payload passed its limit at {atLeast:N0} bytes.")
{
    public long AtLeast { get; } = atLeast;
}
