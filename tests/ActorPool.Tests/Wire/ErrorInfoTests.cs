using ActorPool.Configuration;
using ActorPool.Wire;
using Akka.Actor;

namespace ActorPool.Tests.Wire;

/// <summary>Exceptions as they cross from a worker to its parent: as data, through the protocol's serializer, rebuilt.</summary>
public sealed class ErrorInfoTests : Akka.TestKit.Xunit2.TestKit
{
    public ErrorInfoTests()
        : base(ActorPoolConfig.ProcessSystemConfig)
    {
    }

    [Fact]
    public void ToException_AggregateOfThree_ComesBackWithAllThreeAndItsOwnMessage()
    {
        var thrown = new AggregateException("Several things failed",
            new InvalidOperationException("first"), new ArgumentException("second"), new TimeoutException("third"));

        var back = Assert.IsType<AggregateException>(ThroughTheWire(thrown));

        Assert.Equal(thrown.Message, back.Message);
        Assert.Collection(back.InnerExceptions,
            e => Assert.Equal(("first", typeof(InvalidOperationException)), (e.Message, e.GetType())),
            e => Assert.Equal(("second", typeof(ArgumentException)), (e.Message, e.GetType())),
            e => Assert.Equal(("third", typeof(TimeoutException)), (e.Message, e.GetType())));
    }

    [Fact]
    public void From_DeepAndWideTree_KeepsAtMostTheDepthAndNodeLimits()
    {
        Exception deep = new InvalidOperationException("bottom");
        for (var i = 0; i < 50; i++)
        {
            deep = new InvalidOperationException($"level {i}", deep);
        }

        var wide = new AggregateException(Enumerable.Range(0, 100).Select(i => new InvalidOperationException($"inner {i}")));

        Assert.Equal(ErrorInfo.MaxDepth, Depth(ErrorInfo.From(deep)));
        Assert.Equal(ErrorInfo.MaxNodes, ErrorInfo.From(wide).Count);
        Assert.IsType<AggregateException>(ThroughTheWire(wide)); // and the kept part still reads back
    }

    private Exception ThroughTheWire(Exception thrown)
    {
        var serializer = new ProtocolSerializer((ExtendedActorSystem)Sys);
        var batch = new ResultBatch("key", [new ResultItem(1, null, ErrorInfo.From(thrown))]);
        var back = (ResultBatch)serializer.FromBinary(serializer.ToBinary(batch), serializer.Manifest(batch));
        return back.Results[0].Error!.ToException();
    }

    private static int Depth(ErrorInfo error) => 1 + (error.Inner.Length == 0 ? 0 : error.Inner.Max(Depth));
}
