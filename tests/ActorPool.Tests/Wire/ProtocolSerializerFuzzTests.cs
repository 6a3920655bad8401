using System.Runtime.Serialization;
using ActorPool.Calls;
using ActorPool.Cluster.Protocol;
using ActorPool.Configuration;
using ActorPool.Wire;
using Akka.Actor;
using Akka.Serialization;
using Xunit.Abstractions;

namespace ActorPool.Tests.Wire;

/// <summary>
/// Both protocol serializers read as hostile input: random and mutated messages of every kind either read back or
/// are refused with a <see cref="SerializationException"/>; nothing else is thrown, nothing recurses without bound, and
/// nothing allocates more than a small multiple of the message's own size.
/// </summary>
public sealed class ProtocolSerializerFuzzTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(ActorPoolConfig.ProcessSystemConfig)
{
    private const int Rounds = 4000;

    [Fact]
    public void FromBinary_MutatedAndRandomProcessPoolMessages_ReadOrRefusedWithinTheirSize()
    {
        var serializer = new ProtocolSerializer((ExtendedActorSystem)Sys);
        object[] samples =
        [
            Call(),
            Call() with { Limits = new CallLimits(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)) },
            Call() with { Trace = new System.Diagnostics.ActivityContext(System.Diagnostics.ActivityTraceId.CreateRandom(),
                System.Diagnostics.ActivitySpanId.CreateRandom(), System.Diagnostics.ActivityTraceFlags.Recorded, "vendor=value", isRemote: true) },
            new CallBatch("secret", [Call(), Call()]),
            new ResultBatch("reply-key", [new ResultItem(1, [1, 2, 3], null), new ResultItem(2, null, Error(3), Skipped: false), new ResultItem(3, null, null, Skipped: true),
                new ResultItem(4, null, null, Stopped: StopReason.TimedOut), new ResultItem(5, [7], null, Progress: true)]),
            new RegisterWorker("secret", 42, TestActor),
            new WorkerInitializerFailed("secret", 42, Error(2)),
            new CancelCall("secret", 7),
            new WorkerLogRecord("reply-key", 42, 3, "akka://actorpool-worker/system/remoting", "a warning", 2),
            Call() with { AwaitsClaim = true },
            new ClaimNext("reply-key", 7, 3),
            new ClaimAnswer("secret", 8, Granted: true),
        ];

        Fuzz(serializer, samples, ["C", "B", "S", "W", "I", "X", "L", "N", "G", "?"]);
    }

    [Fact]
    public void FromBinary_MutatedAndRandomClusterMessages_ReadOrRefusedWithinTheirSize()
    {
        var serializer = new ClusterProtocolSerializer((ExtendedActorSystem)Sys);
        object[] samples =
        [
            new AttachWorkers("nonce", "proof", 4, Call().Function, 1 << 20, 2 << 20),
            new AttachWorkers("nonce", "proof", 4, null, 1 << 20, 2 << 20),
            new AttachRefused("proof", 1 << 20, 2 << 20),
            NodeDraining.Instance,
            new WorkerReleased("worker-1"),
        ];

        Fuzz(serializer, samples, ["A", "R", "D", "X", "?"]);
    }

    [Theory]
    [InlineData(-1L, 2L << 20)]
    [InlineData(1L << 20, 0L)]
    [InlineData(1L << 20, -5L)]
    [InlineData(1L << 20, (long)int.MaxValue + 1)]
    public void FromBinary_ClusterPayloadLimitsNoMemberCouldHave_Refused(long maxPayloadSize, long frameSize)
    {
        var serializer = new ClusterProtocolSerializer((ExtendedActorSystem)Sys);

        foreach (var message in new object[] { new AttachWorkers("nonce", "proof", 4, null, maxPayloadSize, frameSize), new AttachRefused("proof", maxPayloadSize, frameSize) })
        {
            var error = Assert.Throws<SerializationException>(() => serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message)));
            Assert.Contains("payload limits no member could have", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FromBinary_ErrorsNestedSixtyThousandDeep_RefusedWithoutRecursingThatDeep()
    {
        // The review's crash: 60,000 nested errors, 240 KB, took a coordinator down with a stack overflow.
        const int Depth = 60_000;
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            ProtocolSerializer.WriteString(w, "secret");
            w.Write(42);
            for (var i = 0; i < Depth; i++)
            {
                w.Write(true);
                ProtocolSerializer.WriteString(w, "E");
                ProtocolSerializer.WriteString(w, "");
                ProtocolSerializer.WriteString(w, "");
                w.Write(1); // one inner error, which is the next level
            }

            w.Write(false);
        }

        var error = Assert.Throws<SerializationException>(() => new ProtocolSerializer((ExtendedActorSystem)Sys).FromBinary(stream.ToArray(), "I"));
        Assert.Contains("deeper than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoundTrip_EveryProcessPoolMessage_ReadsBackWhatWasWritten()
    {
        var serializer = new ProtocolSerializer((ExtendedActorSystem)Sys);
        var batch = new ResultBatch("reply-key", [new ResultItem(2, [9], Error(3), Skipped: false)]);

        var back = (ResultBatch)serializer.FromBinary(serializer.ToBinary(batch), serializer.Manifest(batch));

        Assert.Equal("reply-key", back.Key);
        var result = Assert.Single(back.Results);
        Assert.Equal([9], result.Value);
        Assert.Equal(3, result.Error!.Count);
        Assert.Equal("level 3", result.Error.Inner[0].Inner[0].Message);
    }

    [Fact]
    public void RoundTrip_CallLimitsStopReasonAndCancelCall_ReadBackWhatWasWritten()
    {
        var serializer = new ProtocolSerializer((ExtendedActorSystem)Sys);
        var limits = new CallLimits(TimeSpan.FromMilliseconds(1500), TimeSpan.FromSeconds(5));
        object[] messages = [Call() with { Limits = limits }, new ResultBatch("k", [new ResultItem(3, null, null, Stopped: StopReason.Canceled)]), new CancelCall("secret", 9)];

        var back = messages.Select(m => serializer.FromBinary(serializer.ToBinary(m), serializer.Manifest(m))).ToArray();

        Assert.Equal(limits, ((CallItem)back[0]).Limits);
        Assert.Equal(StopReason.Canceled, Assert.Single(((ResultBatch)back[1]).Results).Stopped);
        Assert.Equal(new CancelCall("secret", 9), back[2]);
    }

    [Fact]
    public void RoundTrip_ProgressValueBeforeItsAnswer_ReadsBackInOrderAndMarkedAsProgress()
    {
        var serializer = new ProtocolSerializer((ExtendedActorSystem)Sys);
        var batch = new ResultBatch("k", [new ResultItem(4, [1, 2], null, Progress: true), new ResultItem(4, [3], null)]);

        var back = (ResultBatch)serializer.FromBinary(serializer.ToBinary(batch), serializer.Manifest(batch));

        Assert.True(back.Results[0].Progress);
        Assert.False(back.Results[0].Skipped);
        Assert.Equal([1, 2], back.Results[0].Value);
        Assert.False(back.Results[1].Progress);
        Assert.Equal([3], back.Results[1].Value);
    }

    [Theory]
    [InlineData(null, false, 0)] // no value
    [InlineData(new byte[] { 1 }, true, 0)] // an error besides
    [InlineData(new byte[] { 1 }, false, 1)] // a stop reason besides
    public void FromBinary_ProgressValueCarryingAnythingButItsValue_IsAMalformedMessage(byte[]? value, bool withError, int stopped)
    {
        var serializer = new ProtocolSerializer((ExtendedActorSystem)Sys);
        var batch = new ResultBatch("k", [new ResultItem(1, value, withError ? Error(1) : null, Stopped: (StopReason)stopped, Progress: true)]);

        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary(serializer.ToBinary(batch), "S"));
        Assert.Contains("progress value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoundTrip_PipelinedClaims_ReadBackWhatWasWritten()
    {
        var serializer = new ProtocolSerializer((ExtendedActorSystem)Sys);
        object[] messages = [Call() with { AwaitsClaim = true }, Call(), new ClaimNext("reply-key", 41, 5), new ClaimAnswer("secret", 42, Granted: false)];

        var back = messages.Select(m => serializer.FromBinary(serializer.ToBinary(m), serializer.Manifest(m))).ToArray();

        Assert.True(((CallItem)back[0]).AwaitsClaim);
        Assert.False(((CallItem)back[1]).AwaitsClaim);
        Assert.Equal(messages[2], back[2]);
        Assert.Equal(messages[3], back[3]);
    }

    [Theory]
    [InlineData("N", 0L)]
    [InlineData("N", -5L)]
    [InlineData("G", 0L)]
    public void FromBinary_ClaimForACallIdBelowOne_IsAMalformedMessage(string manifest, long id)
    {
        var serializer = new ProtocolSerializer((ExtendedActorSystem)Sys);
        object message = manifest == "N" ? new ClaimNext("k", id, 0) : new ClaimAnswer("k", id, Granted: true);

        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary(serializer.ToBinary(message), manifest));
        Assert.Contains("call id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBinary_ClaimRequestWithANegativeCount_IsAMalformedMessage()
    {
        var serializer = new ProtocolSerializer((ExtendedActorSystem)Sys);

        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary(serializer.ToBinary(new ClaimNext("k", 1, -1)), "N"));
        Assert.Contains("message count", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBinary_ClaimAnswerWithAFlagOtherThanZeroOrOne_IsAMalformedMessage()
    {
        var serializer = new ProtocolSerializer((ExtendedActorSystem)Sys);
        var bytes = serializer.ToBinary(new ClaimAnswer("k", 1, Granted: true));
        bytes[^1] = 2;

        Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "G"));
    }

    [Fact]
    public void FromBinary_UnknownKindOfAnswer_IsAMalformedMessage()
    {
        var serializer = new ProtocolSerializer((ExtendedActorSystem)Sys);
        var bytes = serializer.ToBinary(new ResultBatch("k", [new ResultItem(1, [1], null)]));
        bytes[4 + 1 + 4 + 8] = 3; // key "k" (length and byte), the count, the id: then the kind

        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "S"));
        Assert.Contains("unknown kind", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(long.MaxValue)]
    public void FromBinary_CallLimitOutOfRange_IsAMalformedMessage(long ticks)
    {
        var serializer = new ProtocolSerializer((ExtendedActorSystem)Sys);
        var call = Call() with { Limits = new CallLimits(TimeSpan.FromTicks(ticks), TimeSpan.FromSeconds(1)) };

        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary(serializer.ToBinary(call), "C"));
        Assert.Contains("out of range", error.Message, StringComparison.Ordinal);
    }

    private void Fuzz(SerializerWithStringManifest serializer, object[] samples, string[] manifests)
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var encoded = samples.Select(s => (Bytes: serializer.ToBinary(s), Manifest: serializer.Manifest(s))).ToArray();
        foreach (var (bytes, manifest) in encoded)
        {
            Assert.NotNull(serializer.FromBinary(bytes, manifest)); // the samples themselves read back
        }

        var read = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var (original, manifest) = encoded[random.Next(encoded.Length)];
            var bytes = Mutate(original, random);
            if (random.Next(10) == 0)
            {
                manifest = manifests[random.Next(manifests.Length)];
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                serializer.FromBinary(bytes, manifest);
                read++;
            }
            catch (SerializationException)
            {
                // refused: what a malformed message should get
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed}, round {round}, manifest '{manifest}', {bytes.Length} bytes [{Convert.ToHexString(bytes)}]: {e}");
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated <= 64L * bytes.Length + (64 << 10),
                $"seed {seed}, round {round}: reading {bytes.Length} bytes allocated {allocated}");
        }

        output.WriteLine($"{read} of {Rounds} mutated messages still read as some message; the rest were refused");
    }

    /// <summary>A message with bytes flipped, cut, repeated, or lengths and counts replaced by extreme ones; or plain noise.</summary>
    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        var edits = 1 + random.Next(4);
        for (var e = 0; e < edits; e++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2 when bytes.Count >= at + 4:
                    var extreme = new[] { int.MaxValue, int.MinValue, -1, -2, 1 << 30, 65_536, 60_000 }[random.Next(7)];
                    for (var i = 0; i < 4; i++)
                    {
                        bytes[at + i] = BitConverter.GetBytes(extreme)[i];
                    }

                    break;
                case 3:
                    bytes.InsertRange(at, bytes.Skip(at).Take(1 + random.Next(32)).ToArray());
                    break;
                case 4:
                    var noise = new byte[random.Next(64)];
                    random.NextBytes(noise);
                    bytes.InsertRange(at, noise);
                    break;
                default:
                    var all = new byte[random.Next(256)];
                    random.NextBytes(all);
                    return all;
            }
        }

        return [.. bytes];
    }

    private static CallItem Call() =>
        new("secret", 7, CallDescriptor.For(Twice, "fn"), IsChunk: false, [[1, 2, 3], [4]], Slot: 3);

    private static int Twice(int x) => 2 * x;

    private static ErrorInfo Error(int levels) =>
        new("System.InvalidOperationException", $"level {4 - levels}", "at somewhere", levels > 1 ? [Error(levels - 1)] : []);
}
