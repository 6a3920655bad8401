using ActorPool.Tests.Contract;
using ActorPool.Tests.Support;

namespace ActorPool.Tests.ProcessPool;

/// <summary>
/// Calls sent ahead to a worker process (actorpool.process-pool.prefetch): they stay cancelable, an idle worker takes
/// them back from a busy one, and a worker that dies gives back the ones it had not started.
/// </summary>
public sealed partial class ProcessPoolExecutorTests
{
    [Fact]
    public void Cancel_CallSentAheadToABusyWorker_SucceedsAndTheCallNeverRuns()
    {
        var executor = Start(1);
        using var probe = new Probe(blocks: static i => i == 0);
        var running = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);
        var ahead = executor.Submit(ContractCalls.Step, probe.Key, 1);
        var after = executor.Submit(ContractCalls.Step, probe.Key, 2);
        WaitUntilSentAhead(ahead, after);

        Assert.False(ahead.IsRunning);
        Assert.True(ahead.Cancel());
        Assert.False(running.Cancel()); // started: the worker won its word
        Assert.True(running.IsRunning);
        probe.Open();

        Assert.Equal(2, after.Result(Bound));
        Assert.Equal(0, running.Result(Bound));
        Assert.True(ahead.IsCanceled);
        Assert.Empty(Future.Wait([ahead], Bound).NotDone); // the worker skipped it, and its waiters were told
        Assert.Equal([0, 2], probe.Started);
    }

    [Fact]
    public void Submit_OneWorkerBlocked_CallsSentAheadToItRunOnTheOtherWorker()
    {
        var executor = Start(2);
        WaitUntilBothWorkersServe(executor);
        // Once no worker is idle, the router spreads the calls it sends ahead over both, so some of those below go
        // ahead to the blocked one.
        using var probe = new Probe(blocks: static i => i == 0);
        var blocked = executor.Submit(ProcessCalls.PidThenStep, probe.Key, 0);
        probe.WaitForStarts(1);
        var first = Seen(ProcessCalls.PidOf(probe.Key, 0));
        var rest = Enumerable.Range(1, 8).Select(i => executor.Submit(ProcessCalls.PidThenStep, probe.Key, i)).ToArray();

        // The other worker runs one, then takes back each call the blocked one holds unstarted.
        Assert.Empty(Future.Wait(rest, Bound).NotDone);
        Assert.False(blocked.IsDone);
        Assert.DoesNotContain(first, rest.Select(f => f.Result(TimeSpan.Zero)));
        probe.Open();
        Assert.Equal(first, blocked.Result(Bound));
    }

    [Fact]
    public void Submit_WorkerKilledWithCallsSentAhead_OnlyTheRunningCallFailsAndTheOthersRunOnItsReplacement()
    {
        var executor = Start(1);
        using var probe = new Probe(blocks: static i => i == 0);
        var doomed = executor.Submit(ProcessCalls.PidThenStep, probe.Key, 0);
        probe.WaitForStarts(1);
        var ahead = Enumerable.Range(1, 3).Select(i => executor.Submit(ProcessCalls.PidThenStep, probe.Key, i)).ToArray();
        WaitUntilSentAhead(ahead);
        var doomedPid = Seen(ProcessCalls.PidOf(probe.Key, 0));

        OsProcesses.Kill(doomedPid);

        Assert.IsType<BrokenProcessPoolException>(doomed.Exception(Bound));
        var pids = ahead.Select(f => Seen(f.Result(Bound))).Distinct().ToArray();
        Assert.DoesNotContain(doomedPid, pids);
        Assert.Equal([0, 1, 2, 3], probe.Started);
    }

    /// <summary>Two overlapping calls ran in two processes: both workers have registered.</summary>
    private void WaitUntilBothWorkersServe(ProcessPoolExecutor executor) =>
        Assert.True(
            SharedState.PollUntil(() => new[] { executor.Submit(ProcessCalls.PidAfter, 300), executor.Submit(ProcessCalls.PidAfter, 300) }
                .Select(f => Seen(f.Result(Bound))).Distinct().Count() == 2, Bound),
            "the pool's two workers never both served calls");

    [Fact]
    public void Submit_LargeArgumentsBehindABusyWorker_AreSentAheadOnlyUpToTheByteBudget()
    {
        var executor = Start(1);
        using var probe = new Probe(blocks: static i => i == 0);
        var running = executor.Submit(ContractCalls.Step, probe.Key, 0);
        probe.WaitForStarts(1);
        var large = Enumerable.Range(0, 10).Select(_ => executor.Submit(ProcessCalls.Length, new byte[1 << 20])).ToArray();
        WaitUntilSentAhead(large);
        Assert.True(SharedState.PollUntil(() => large.Any(f => f.Ticket().IsHeldUnstarted), Bound), "no call was sent ahead to the worker");

        // 1 MiB each against a 4 MiB budget: the rest wait in the parent, where the router could still take them back.
        // Watched for a second (hand-overs take milliseconds), the worker never holds more than four.
        var most = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(1))
        {
            most = Math.Max(most, large.Count(f => f.Ticket().IsHeldUnstarted));
            Thread.Sleep(10);
        }

        Assert.InRange(most, 1, 4);
        probe.Open();
        Assert.All(large, f => Assert.Equal(1 << 20, f.Result(Bound)));
        Assert.Equal(0, running.Result(Bound));
    }

    private static void WaitUntilSentAhead(params Future[] futures) =>
        Assert.True(
            SharedState.PollUntil(() => futures.All(f => f.Ticket().IsSentAhead), Bound),
            "the calls were never sent ahead to the busy worker");
}
