using ActorPool.Wire;

namespace ActorPool.Tests.Wire;

/// <summary>How arguments and results are encoded: JSON of the declared type, raw bytes for arrays of fixed-size numbers.</summary>
public sealed class PayloadTests
{
    private static readonly int[] Ints = [1, -2, int.MaxValue];
    private static readonly double[] Doubles = [0.5, double.NaN, double.NegativeInfinity];
    private static readonly char[] Chars = ['a', '\0', '\uffff'];
    private static readonly byte[] Bytes = [0, 255, 7];
    private static readonly long[] Longs = [long.MinValue];

    public static TheoryData<Array> RawArrays => new() { Ints, Doubles, Chars, Bytes, Longs, Array.Empty<short>() };

    [Theory]
    [MemberData(nameof(RawArrays))]
    public void Serialize_ArrayOfFixedSizeNumbers_TravelsAsItsRawBytesAndComesBackEqual(Array array)
    {
        var bytes = Payload.Serialize(array, array.GetType(), "the array");

        Assert.Equal(0, bytes[0]); // the raw tag: no JSON text starts with a zero byte
        Assert.Equal(1 + Buffer.ByteLength(array), bytes.Length);
        Assert.Equal(array, (Array)Payload.Deserialize(bytes, array.GetType(), "the array")!);
    }

    [Fact]
    public void Serialize_ArraysOfOtherElements_TravelAsJson()
    {
        foreach (var (value, type) in new (object, Type)[] { (new[] { true, false }, typeof(bool[])), (new[] { DayOfWeek.Friday }, typeof(DayOfWeek[])), (new[] { "x" }, typeof(string[])), (new[] { 1, 2 }, typeof(object)) })
        {
            var bytes = Payload.Serialize(value, type, "the value");

            Assert.Equal((byte)'[', bytes[0]);
        }
    }

    [Fact]
    public void Deserialize_RawBytesForATypeThatIsNotARawArray_ThrowsPayloadExceptionNamingBoth()
    {
        var raw = Payload.Serialize(Ints, typeof(int[]), "the array");

        var error = Assert.Throws<PayloadException>(() => Payload.Deserialize(raw, typeof(string), "The result"));
        Assert.Contains("raw bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(String), error.Message, StringComparison.Ordinal);
        Assert.Throws<PayloadException>(() => Payload.Deserialize(raw[..6], typeof(int[]), "The result")); // not a whole number of ints
    }

    [Fact]
    public void Serialize_ValueFarOverTheLimit_StopsSoonAfterPassingIt()
    {
        const long Limit = 1 << 20;
        var enumerated = 0L;

        // A hundred million numbers, some 800 MB of JSON: only the first megabyte or so may be written.
        var error = Assert.Throws<PayloadLimitException>(() => Payload.Serialize(Numbers(100_000_000, () => enumerated++), typeof(IEnumerable<long>), "the value", Limit));

        Assert.InRange(error.AtLeast, Limit + 1, 2 * Limit);
        Assert.InRange(enumerated, 1, Limit / 4); // each number takes at least a digit and a comma
    }

    [Fact]
    public void Serialize_RawArrayOverTheLimit_RefusedBeforeCopying()
    {
        var error = Assert.Throws<PayloadLimitException>(() => Payload.Serialize(new byte[1000], typeof(byte[]), "the value", 1000));

        Assert.Equal(1001, error.AtLeast);
    }

    [Fact]
    public void Serialize_ValueJustUnderTheLimit_IsWhole()
    {
        var value = new string('x', 1000);

        var bytes = Payload.Serialize(value, typeof(string), "the value", 1002);

        Assert.Equal(value, Payload.Deserialize(bytes, typeof(string), "the value"));
        Assert.Throws<PayloadLimitException>(() => Payload.Serialize(value, typeof(string), "the value", 1001));
    }

    private static IEnumerable<long> Numbers(long count, Action seen)
    {
        for (var i = 0L; i < count; i++)
        {
            seen();
            yield return 1_000_000_000_000 + i;
        }
    }
}
