using ActorPool.Remoting;

namespace ActorPool.Tests.Remoting;

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
}
