using System.Text.Json;
using ActorPool.Calls;
using ActorPool.Cluster;
using ActorPool.Cluster.Coordinator;
using ActorPool.Routing;
using ActorPool.Tests.Support;
using ActorPool.Wire;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;

namespace ActorPool.Tests.Cluster;

/// <summary>
/// A node worker's proxy deciding its pipelined claims, driven directly: one probe plays the router, another the node's
/// worker (it gets the calls and the claim answers, and sends ClaimNext and results as that worker).
/// </summary>
public sealed class NodeWorkerProxyTests : Akka.TestKit.Xunit2.TestKit
{
    private const string CallKey = "the-pools-call-key";
    private const string ReplyKey = "this-workers-reply-key";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    private readonly TestProbe router;
    private readonly TestProbe node;
    private readonly IActorRef proxy;

    public NodeWorkerProxyTests()
        : base(ConfigurationFactory.ParseString("""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """))
    {
        router = CreateTestProbe();
        node = CreateTestProbe();
        proxy = Sys.ActorOf(NodeWorkerProxy.Props(router.Ref, node.Ref, 4242, CallKey, ReplyKey));
    }

    [Fact]
    public void Proxy_CallForAnIdleWorker_IsGrantedAsItIsSent()
    {
        var first = Send(1);

        var call = node.ExpectMsg<CallItem>(Generous);
        Assert.False(call.AwaitsClaim);
        Assert.True(first.Future.IsRunning);
        Assert.False(first.Future.Cancel());
    }

    [Fact]
    public void Proxy_CallSentAhead_StaysCancelableUntilTheNodeStartsTheCallBeforeIt_ThenIsGranted()
    {
        Send(1);
        var ahead = Send(2);
        var first = node.ExpectMsg<CallItem>(Generous);
        var second = node.ExpectMsg<CallItem>(Generous);
        Assert.True(second.AwaitsClaim);
        Assert.False(ahead.Future.IsRunning);
        Assert.Equal(CallState.Held, ahead.State);

        proxy.Tell(new ClaimNext(ReplyKey, first.Id, Seen: 2), node.Ref);

        var answer = node.ExpectMsg<ClaimAnswer>(Generous);
        Assert.Equal((CallKey, second.Id, true), (answer.Secret, answer.Id, answer.Granted));
        Assert.True(ahead.Future.IsRunning); // running from the grant on, before the node starts it
        Assert.False(ahead.Future.Cancel());
    }

    [Fact]
    public void Proxy_CallCanceledWhileSentAhead_IsRefusedAndItsRoomFreed()
    {
        Send(1);
        var ahead = Send(2);
        var first = node.ExpectMsg<CallItem>(Generous);
        var second = node.ExpectMsg<CallItem>(Generous);
        Assert.True(ahead.Future.Cancel());

        proxy.Tell(new ClaimNext(ReplyKey, first.Id, Seen: 2), node.Ref);

        var answer = node.ExpectMsg<ClaimAnswer>(Generous);
        Assert.Equal((second.Id, false), (answer.Id, answer.Granted));
        Assert.Same(ahead, router.ExpectMsg<WorkerIdle>(Generous).Done);
        Assert.Single(Future.Wait([ahead.Future], TimeSpan.Zero).Done); // notified: waiters count it done
    }

    [Fact]
    public void Proxy_CallTakenBackWhileSentAhead_IsRefusedWithoutFreeingRoomTwice()
    {
        Send(1);
        var ahead = Send(2);
        var first = node.ExpectMsg<CallItem>(Generous);
        var second = node.ExpectMsg<CallItem>(Generous);
        Assert.True(ahead.TryTakeBack()); // the router, for an idle worker: it counts the room free itself

        proxy.Tell(new ClaimNext(ReplyKey, first.Id, Seen: 2), node.Ref);

        var answer = node.ExpectMsg<ClaimAnswer>(Generous);
        Assert.Equal((second.Id, false), (answer.Id, answer.Granted));
        router.ExpectNoMsg(Quiet);
        Assert.Equal(CallState.Queued, ahead.State); // still pending, for another worker
    }

    [Fact]
    public void Proxy_CallThatReachedTheNodeOnlyAfterTheCallBeforeItStarted_IsNotGrantedThen()
    {
        Send(1);
        var ahead = Send(2);
        var first = node.ExpectMsg<CallItem>(Generous);
        node.ExpectMsg<CallItem>(Generous);

        proxy.Tell(new ClaimNext(ReplyKey, first.Id, Seen: 1), node.Ref); // the node had seen only the first call

        node.ExpectNoMsg(Quiet);
        Assert.False(ahead.Future.IsRunning);
        Assert.True(ahead.Future.Cancel()); // it may wait behind that call however long: it stays cancelable
    }

    [Fact]
    public void Proxy_ClaimRequestWithoutTheReplyKeyOrFromAnotherActor_ClaimsNothing()
    {
        Send(1);
        var ahead = Send(2);
        var first = node.ExpectMsg<CallItem>(Generous);
        node.ExpectMsg<CallItem>(Generous);

        proxy.Tell(new ClaimNext("a-guessed-key", first.Id, Seen: 2), node.Ref);
        proxy.Tell(new ClaimNext(ReplyKey, first.Id, Seen: 2), CreateTestProbe().Ref);

        node.ExpectNoMsg(Quiet);
        Assert.True(ahead.Future.Cancel());
    }

    [Fact]
    public void Proxy_ResultForACallNotGranted_SettlesNothing()
    {
        Send(1);
        var ahead = Send(2);
        node.ExpectMsg<CallItem>(Generous);
        var second = node.ExpectMsg<CallItem>(Generous);

        proxy.Tell(new ResultBatch(ReplyKey, [new ResultItem(second.Id, JsonSerializer.SerializeToUtf8Bytes(7), null)]), node.Ref);

        node.ExpectNoMsg(Quiet);
        Assert.False(ahead.Future.IsDone);
        Assert.True(ahead.Future.Cancel());
    }

    [Fact]
    public void Proxy_AnswerForTheCallItRuns_SettlesItAndGrantsTheNext()
    {
        var running = Send(1);
        var ahead = Send(2);
        var first = node.ExpectMsg<CallItem>(Generous);
        var second = node.ExpectMsg<CallItem>(Generous);

        // Answered before the node asked for the next one (a call that ended at once): the node now waits for it.
        proxy.Tell(new ResultBatch(ReplyKey, [new ResultItem(first.Id, JsonSerializer.SerializeToUtf8Bytes(42), null)]), node.Ref);

        Assert.Equal(42, running.TypedFuture.Result(Generous));
        Assert.Same(running, router.ExpectMsg<WorkerIdle>(Generous).Done);
        var answer = node.ExpectMsg<ClaimAnswer>(Generous);
        Assert.Equal((second.Id, true), (answer.Id, answer.Granted));
        Assert.True(ahead.Future.IsRunning);
    }

    [Fact]
    public void Proxy_CallSentAfterTheOneBeforeItStarted_StaysCancelableUntilThatOneIsAnswered()
    {
        var running = Send(1);
        var first = node.ExpectMsg<CallItem>(Generous);
        proxy.Tell(new ClaimNext(ReplyKey, first.Id, Seen: 1), node.Ref); // nothing held after it yet
        node.ExpectNoMsg(Quiet);

        var next = Send(2);
        var second = node.ExpectMsg<CallItem>(Generous);
        Assert.True(second.AwaitsClaim);
        proxy.Tell(new ClaimNext(ReplyKey, first.Id, Seen: 2), node.Ref); // a repeated request changes nothing: it was not there then
        node.ExpectNoMsg(Quiet);
        Assert.False(next.Future.IsRunning); // however long the call before it runs

        proxy.Tell(new ResultBatch(ReplyKey, [new ResultItem(first.Id, JsonSerializer.SerializeToUtf8Bytes(1), null)]), node.Ref);

        Assert.Equal(1, running.TypedFuture.Result(Generous));
        var answer = node.ExpectMsg<ClaimAnswer>(Generous);
        Assert.Equal((second.Id, true), (answer.Id, answer.Granted));
        Assert.True(next.Future.IsRunning);
    }

    [Fact]
    public void Proxy_NodeLost_FailsTheGrantedCallAndGivesBackTheOneNotGranted()
    {
        var running = Send(1);
        var ahead = Send(2);
        node.ExpectMsg<CallItem>(Generous);
        node.ExpectMsg<CallItem>(Generous);
        Watch(proxy);

        Sys.Stop(node.Ref); // DeathWatch: the node's worker stopped

        var error = Assert.IsType<BrokenClusterPoolException>(running.Future.Exception(Generous));
        Assert.Contains("pid 4242", error.Message, StringComparison.Ordinal);
        ExpectTerminated(proxy, Generous);
        Assert.Equal(CallState.Queued, ahead.State); // never ran there: the router runs it on another node
        Assert.False(ahead.Future.IsDone);
    }

    [Fact]
    public void Proxy_NodeLostWithACallCanceledWhileSentAhead_NotifiesItInsteadOfFailingIt()
    {
        Send(1);
        var ahead = Send(2);
        node.ExpectMsg<CallItem>(Generous);
        node.ExpectMsg<CallItem>(Generous);
        Assert.True(ahead.Future.Cancel());
        Watch(proxy);

        Sys.Stop(node.Ref);

        ExpectTerminated(proxy, Generous);
        Assert.True(ahead.Future.IsCanceled);
        Assert.Single(Future.Wait([ahead.Future], TimeSpan.Zero).Done);
    }

    /// <summary>A call assigned to the proxy by the router (played by its probe), as the router sends it.</summary>
    private Call<int, int> Send(int argument)
    {
        var item = new Call<int, int>(Echo, argument);
        CallCodec.Prepare(item, 1 << 20);
        Assert.True(item.TryAssignTo(proxy));
        proxy.Tell(item, router.Ref);
        return item;
    }

    private static int Echo(int x) => x;
}
