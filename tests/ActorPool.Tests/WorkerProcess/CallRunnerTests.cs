using System.Text.Json;
using ActorPool.Wire;
using ActorPool.WorkerProcess;
using Akka.Actor;

namespace ActorPool.Tests.WorkerProcess;

/// <summary>The actor that runs calls in a worker process, driven directly: the test plays its parent.</summary>
public sealed class ProcessWorkerTests : Akka.TestKit.Xunit2.TestKit
{
    private const string Secret = "the-pools-secret";
    private const string ReplyKey = "this-workers-reply-key";
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
        var answer = ExpectMsg<ResultBatch>(Generous);
        Assert.Equal(ReplyKey, answer.Key);
        var result = Assert.Single(answer.Results);
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
        var refused = ExpectMsg<WorkerLogRecord>(Generous); // told to the parent's logger, as a warning naming this process
        Assert.Equal(ReplyKey, refused.Key);
        Assert.Equal((int)Microsoft.Extensions.Logging.LogLevel.Warning, refused.Level);
        Assert.Contains($"Worker process {Environment.ProcessId} ignored a call without its pool's secret", refused.Text, StringComparison.Ordinal);
        Assert.Equal(2, JsonSerializer.Deserialize<int>(Assert.Single(ExpectMsg<ResultBatch>(Generous).Results).Value));
        Assert.Equal(before + 1, Volatile.Read(ref calls));
    }

    [Fact]
    public void ProcessWorker_BatchWithACallCanceledOnTheBoard_SkipsItAndRunsTheRest()
    {
        var worker = StartWorker();
        ExpectMsg<RegisterWorker>(Generous);
        board.Offer(0, 7);
        board.Offer(1, 8);
        Assert.True(board.TryCancel(1, 8)); // the parent's Cancel() won the word before the worker got to it
        var before = Volatile.Read(ref calls);
        worker.Tell(new CallBatch(Secret, [Call(Secret, 5, id: 7, slot: 0), Call(Secret, 6, id: 8, slot: 1)]));

        var results = ReceiveResults(2);
        Assert.Equal(10, JsonSerializer.Deserialize<int>(results[7].Value));
        Assert.True(results[8].Skipped);
        Assert.Equal(before + 1, Volatile.Read(ref calls));
        Assert.True(board.HasStarted(0, 7));
        Assert.False(board.TryCancel(0, 7)); // started: too late to cancel
    }

    [Fact]
    public void ProcessWorker_BatchWithACallTakenBack_AnswersSkippedAndTheWordSaysTakenBack()
    {
        var worker = StartWorker();
        ExpectMsg<RegisterWorker>(Generous);
        board.Offer(2, 9);
        Assert.True(board.TryTakeBack(2, 9));
        worker.Tell(new CallBatch(Secret, [Call(Secret, 5, id: 9, slot: 2)]));

        Assert.True(ReceiveResults(1)[9].Skipped);
        Assert.True(board.WasTakenBack(2, 9));
    }

    private static int calls;
    private readonly ClaimBoard board = ClaimBoard.Create(4);
    private readonly List<ClaimBoard> workerViews = [];

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing); // the workers stop first: only then may their views of the board go
        workerViews.ForEach(view => view.Dispose());
        board.Dispose();
    }

    /// <summary>The answers to a batch, by call id, however the worker's outbox grouped them.</summary>
    private Dictionary<long, ResultItem> ReceiveResults(int count)
    {
        var results = new Dictionary<long, ResultItem>();
        while (results.Count < count)
        {
            foreach (var result in ExpectMsg<ResultBatch>(Generous).Results)
            {
                results.Add(result.Id, result);
            }
        }

        return results;
    }

    private static int Double(int x)
    {
        Interlocked.Increment(ref calls);
        return x * 2;
    }

    // The worker maps the board's file itself, as a worker process does.
    private IActorRef StartWorker()
    {
        var view = ClaimBoard.Open(board.Path!, board.Slots);
        workerViews.Add(view);
        return Sys.ActorOf(CallRunner.Props(TestActor.Path.ToString(), Secret, ReplyKey, null, 1 << 20, view));
    }

    private static CallItem Call(string secret, int argument, long id = 1, int slot = -1) =>
        new(secret, id, CallDescriptor.For(Double, "fn"), IsChunk: false, [JsonSerializer.SerializeToUtf8Bytes(argument)], slot);
}
