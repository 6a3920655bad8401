using System.Text.Json;
using ActorPool.Security;
using ActorPool.Wire;
using ActorPool.WorkerProcess;
using Akka.Actor;

namespace ActorPool.Tests.WorkerProcess;

/// <summary>The actor that runs calls on a cluster node, driven directly: the test plays its proxy on the coordinator.</summary>
public sealed class NodeCallRunnerTests : Akka.TestKit.Xunit2.TestKit
{
    private const string CallKey = "the-pools-call-key";
    private const string ReplyKey = "this-workers-reply-key";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);
    private static int runs;

    [Fact]
    public void NodeWorker_CallGrantedAsSent_RunsAndAsksToClaimTheNextFirst()
    {
        var worker = StartWorker();
        worker.Tell(Call(5, id: 1));

        Assert.Equal(1, ExpectMsg<ClaimNext>(Generous).Started);
        Assert.Equal(10, Answer().Value);
    }

    [Fact]
    public void NodeWorker_CallSentAhead_WaitsForItsGrant()
    {
        var worker = StartWorker();
        worker.Tell(Call(5, id: 1, awaitsClaim: true));
        ExpectNoMsg(Quiet); // neither run nor claimed: its answer has not come

        worker.Tell(new ClaimAnswer(CallKey, 1, Granted: true));

        var next = ExpectMsg<ClaimNext>(Generous);
        Assert.Equal((1, 2), (next.Started, next.Seen)); // the call and its answer: all its proxy sent had reached it
        Assert.Equal(ReplyKey, next.Key);
        Assert.Equal(10, Answer().Value);
    }

    [Fact]
    public void NodeWorker_CallSentAheadAndRefused_IsDroppedAndTheNextRuns()
    {
        var worker = StartWorker();
        var before = Volatile.Read(ref runs);
        worker.Tell(Call(5, id: 1, awaitsClaim: true));
        worker.Tell(Call(6, id: 2, awaitsClaim: true));
        worker.Tell(new ClaimAnswer(CallKey, 1, Granted: false));
        worker.Tell(new ClaimAnswer(CallKey, 2, Granted: true));

        Assert.Equal(2, ExpectMsg<ClaimNext>(Generous).Started);
        var answer = Assert.Single(ExpectMsg<ResultBatch>(Generous).Results);
        Assert.Equal((2L, 12), (answer.Id, JsonSerializer.Deserialize<int>(answer.Value)));
        ExpectNoMsg(Quiet);
        Assert.Equal(before + 1, Volatile.Read(ref runs));
    }

    [Fact]
    public void NodeWorker_GrantWithoutTheCallKey_IsIgnored()
    {
        var worker = StartWorker();
        worker.Tell(Call(5, id: 1, awaitsClaim: true));

        worker.Tell(new ClaimAnswer("a-guessed-key", 1, Granted: true));

        ExpectNoMsg(Quiet);
    }

    [Fact]
    public void NodeWorker_CallGrantedAsSentBehindOneWaitingForItsAnswer_WaitsItsTurn()
    {
        var worker = StartWorker();
        worker.Tell(Call(5, id: 1, awaitsClaim: true));
        worker.Tell(Call(6, id: 2));
        ExpectNoMsg(Quiet);

        worker.Tell(new ClaimAnswer(CallKey, 1, Granted: true));

        Assert.Equal(1, ExpectMsg<ClaimNext>(Generous).Started);
        Assert.Equal(1, Answer().Id);
        Assert.Equal(2, ExpectMsg<ClaimNext>(Generous).Started);
        Assert.Equal(2, Answer().Id);
    }

    private (long Id, int Value) Answer()
    {
        var result = Assert.Single(ExpectMsg<ResultBatch>(Generous).Results);
        return (result.Id, JsonSerializer.Deserialize<int>(result.Value));
    }

    private IActorRef StartWorker()
    {
        var allowList = new AssemblyAllowList([typeof(NodeCallRunnerTests).Assembly.GetName().Name!]);
        var worker = Sys.ActorOf(CallRunner.Props(TestActor.Path.ToString(), CallKey, ReplyKey, null, 1 << 20, "a-proof", allowList));
        ExpectMsg<RegisterWorker>(Generous);
        return worker;
    }

    private static CallItem Call(int argument, long id, bool awaitsClaim = false) =>
        new(CallKey, id, CallDescriptor.For(Double, "fn"), IsChunk: false, [JsonSerializer.SerializeToUtf8Bytes(argument)]) { AwaitsClaim = awaitsClaim };

    private static int Double(int x)
    {
        Interlocked.Increment(ref runs);
        return x * 2;
    }
}
