using ActorPool.Configuration;
using Akka.Configuration;

namespace ActorPool.Cluster.Configuration;

/// <summary>
/// What one cluster member lets a call carry: <c>actorpool.process-pool.max-payload-size</c> and its transport's
/// <c>akka.remote.dot-netty.tcp.maximum-frame-size</c>. A node must take every call its coordinator may send, so a node
/// whose <see cref="Effective"/> limit is below the coordinator's refuses to work for it (see NodeHost).
/// </summary>
internal readonly record struct PayloadLimits(long MaxPayloadSize, long FrameSize)
{
    /// <summary>Room in a frame for the envelope around a call's arguments or result.</summary>
    private const long FrameOverhead = 64 << 10;

    /// <summary>Akka.Remote's own frame size, for a system whose HOCON sets none.</summary>
    private const long AkkaDefaultFrameSize = 128_000;

    /// <summary>The largest arguments or result a call may carry here: the payload limit, or the frame less its envelope.</summary>
    public long Effective => Math.Min(MaxPayloadSize, FrameSize - FrameOverhead);

    /// <summary>The limits a member's configuration sets.</summary>
    public static PayloadLimits Of(Config root) =>
        new(ActorPoolConfig.MaxPayloadSize(root), root.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? AkkaDefaultFrameSize);

    /// <summary>True for limits a member can have: sizes no frame could exceed are refused when read from the wire.</summary>
    public bool IsValid => MaxPayloadSize >= 0 && FrameSize is > 0 and <= int.MaxValue;

    public override string ToString() =>
        $"max-payload-size = {MaxPayloadSize} bytes and maximum-frame-size = {FrameSize} bytes, so calls of at most {Effective} bytes";
}
