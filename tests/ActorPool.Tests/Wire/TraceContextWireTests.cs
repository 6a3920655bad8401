using System.Diagnostics;
using System.Runtime.Serialization;
using System.Text;
using ActorPool.Configuration;
using ActorPool.Wire;
using Akka.Actor;

namespace ActorPool.Tests.Wire;

/// <summary>
/// A call's trace context on the wire (<see cref="TraceContextCodec"/>): it reads back as written, a call without one is
/// written as before trace contexts existed, and a malformed one is read as none while the call itself reads fine.
/// </summary>
public sealed class TraceContextWireTests() : Akka.TestKit.Xunit2.TestKit(ActorPoolConfig.ProcessSystemConfig)
{
    private static readonly ActivityContext Context = new(
        ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c"), ActivitySpanId.CreateFromString("b7ad6b7169203331"),
        ActivityTraceFlags.Recorded, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", isRemote: true);

    private ProtocolSerializer Serializer => new((ExtendedActorSystem)Sys);

    [Fact]
    public void Call_WithATraceContext_ReadsBackWithItsTraceParentAndTraceState()
    {
        var call = Call() with { Trace = Context, Limits = new CallLimits(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)) };

        var back = Assert.IsType<CallItem>(Serializer.FromBinary(Serializer.ToBinary(call), "C"));

        AssertSameCall(call, back);
        Assert.Equal(Context, back.Trace);
        Assert.Equal(Context.TraceState, back.Trace.TraceState);
        Assert.True(back.Trace.IsRemote);
        Assert.Contains("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", Encoding.Latin1.GetString(Serializer.ToBinary(call)), StringComparison.Ordinal);
    }

    [Fact]
    public void Call_WithoutATraceContext_IsWrittenAsBeforeTraceContexts()
    {
        var plain = Serializer.ToBinary(Call());
        var stoppable = Serializer.ToBinary(Call() with { Limits = new CallLimits(TimeSpan.Zero, TimeSpan.FromSeconds(2)) });

        Assert.Equal(Build(parts: 0), plain); // the parts byte was a bool for the limits, and still reads as one
        Assert.Equal(plain.Length + 16, stoppable.Length);
    }

    [Theory]
    [InlineData("zz-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")] // not a version
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")] // an all-zero trace id
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")] // an all-zero span id
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331")] // cut short
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-and-more-than-fits")] // over the bound: skipped
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b71692033\u00e9-01")] // not ASCII
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\n")]
    public void Call_WithAMalformedTraceParent_ReadsAsACallWithoutATrace(string traceParent)
    {
        var bytes = Build(parts: 2, Encoding.UTF8.GetBytes(traceParent), Encoding.ASCII.GetBytes("vendor=value"));

        var back = Assert.IsType<CallItem>(Serializer.FromBinary(bytes, "C"));

        Assert.Equal(default, back.Trace);
        AssertSameCall(Call(), back);
    }

    [Fact]
    public void Call_WithATraceStateOverTheBound_KeepsItsTraceParentWithoutTheState()
    {
        var state = "k=" + new string('v', TraceContextCodec.MaxTraceStateLength);
        var bytes = Build(parts: 2, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8.ToArray(), Encoding.ASCII.GetBytes(state));

        var back = Assert.IsType<CallItem>(Serializer.FromBinary(bytes, "C"));

        Assert.Equal(Context.TraceId, back.Trace.TraceId);
        Assert.Equal(Context.SpanId, back.Trace.SpanId);
        Assert.Null(back.Trace.TraceState);
    }

    [Fact]
    public void Call_WhoseTraceStateIsOverTheBound_IsSentWithoutIt()
    {
        var call = Call() with { Trace = new ActivityContext(Context.TraceId, Context.SpanId, Context.TraceFlags, "k=" + new string('v', 600), isRemote: true) };

        var back = Assert.IsType<CallItem>(Serializer.FromBinary(Serializer.ToBinary(call), "C"));

        Assert.Equal(Context.SpanId, back.Trace.SpanId);
        Assert.Null(back.Trace.TraceState);
    }

    [Fact]
    public void Call_WithAnUnknownPart_IsRefused()
    {
        Assert.Throws<SerializationException>(() => Serializer.FromBinary(Build(parts: 8), "C")); // 4 says the call awaits its claim
    }

    [Fact]
    public void Call_WithATraceLongerThanTheMessage_IsRefused()
    {
        var bytes = Build(parts: 2, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8.ToArray(), []);
        var cut = bytes[..^12]; // the state's length, the argument count and part of the trace parent are gone

        Assert.Throws<SerializationException>(() => Serializer.FromBinary(cut, "C"));
    }

    private static void AssertSameCall(CallItem expected, CallItem actual)
    {
        Assert.Equal(expected with { Arguments = [] }, actual with { Arguments = [] }); // a record compares arrays by reference
        Assert.Equal(expected.Arguments, actual.Arguments);
    }

    private static CallItem Call() => new("secret", 7, CallDescriptor.For(Twice, "fn"), IsChunk: false, [[1, 2, 3]], Slot: 3);

    private static int Twice(int x) => 2 * x;

    /// <summary><see cref="Call"/>'s bytes, written by hand: its parts byte as given, and a trace context's two strings as given.</summary>
    private static byte[] Build(byte parts, byte[]? traceParent = null, byte[]? traceState = null)
    {
        var call = Call();
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            ProtocolSerializer.WriteString(w, call.Secret);
            w.Write(call.Id);
            ProtocolSerializer.Write(w, call.Function);
            w.Write(call.IsChunk);
            w.Write(call.Slot);
            w.Write(parts);
            if (traceParent is not null)
            {
                w.Write(traceParent.Length);
                w.Write(traceParent);
                w.Write(traceState?.Length ?? -1);
                w.Write(traceState ?? []);
            }

            w.Write(call.Arguments.Length);
            foreach (var argument in call.Arguments)
            {
                w.Write(argument.Length);
                w.Write(argument);
            }
        }

        return stream.ToArray();
    }
}
