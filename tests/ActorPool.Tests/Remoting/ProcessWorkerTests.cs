using System.Text.Json;
using ActorPool.Remoting;
using Akka.Actor;

namespace ActorPool.Tests.Remoting;

/// <summary>The actor that runs calls in a worker process, driven directly: the test plays its parent.</summary>
public sealed class ProcessWorkerTests : Akka.TestKit.Xunit2.TestKit
{
    private const string Secret = "the-pools-secret";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    [Fact]
    public void ProcessWorker_Started_RegistersWithItsParentPresentingTheSecret()
    {
        StartWorker();
        var register = ExpectMsg<RegisterWorker>(Generous);
        Assert.Equal(Secret, register.Secret);
        Assert.Equal(Environment.ProcessId, register.ProcessId);
    }

    [Fact]
    public void ProcessWorker_CallWithTheSecret_RunsItAndReplies()
    {
        var worker = StartWorker();
        ExpectMsg<RegisterWorker>(Generous);
        worker.Tell(Call(Secret, 21));
        var result = ExpectMsg<ResultItem>(Generous);
        Assert.Null(result.Error);
        Assert.Equal(42, JsonSerializer.Deserialize<int>(result.Value));
    }

    [Fact]
    public void ProcessWorker_CallWithoutTheSecret_IsNotRun()
    {
        var worker = StartWorker();
        ExpectMsg<RegisterWorker>(Generous);
        var before = Volatile.Read(ref calls);
        worker.Tell(Call("a-guess", 21));
        worker.Tell(Call(Secret, 1)); // answered, so the refused call was handled before it
        Assert.Equal(2, JsonSerializer.Deserialize<int>(ExpectMsg<ResultItem>(Generous).Value));
        Assert.Equal(before + 1, Volatile.Read(ref calls));
    }

    private static int calls;

    private static int Double(int x)
    {
        Interlocked.Increment(ref calls);
        return x * 2;
    }

    private IActorRef StartWorker() =>
        Sys.ActorOf(ProcessWorker.Props(TestActor.Path.ToString(), Secret, initializer: null, maxPayload: 1 << 20));

    private static CallItem Call(string secret, int argument) =>
        new(secret, 1, CallDescriptor.For(Double, "fn"), IsChunk: false, [JsonSerializer.SerializeToUtf8Bytes(argument)]);
}
