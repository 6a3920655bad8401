using ActorPool.Calls;

namespace ActorPool.Tests.Calls;

/// <summary>The hand-over of one call, step by step, with a claim the test controls in place of a worker process's board.</summary>
public sealed class CallTicketTests
{
    private readonly object worker = new();
    private readonly object other = new();

    [Fact]
    public void AssignedThenStarted_IsRunningAndNoLongerCancelable()
    {
        var call = new Call<int>(() => 1);
        Assert.Equal(CallState.Queued, call.State);

        Assert.True(call.TryAssignTo(worker));
        Assert.Equal(CallState.Assigned, call.State);
        Assert.Equal(HandOver.Accepted, call.TryStart(worker));

        Assert.True(call.Future.IsRunning);
        Assert.False(call.Future.Cancel());
        Assert.Equal(CallState.Settled, call.State);
    }

    [Fact]
    public void TakenBackOnItsWay_IsQueuedAgainAndTheFirstWorkerDropsIt()
    {
        var call = new Call<int>(() => 1);
        call.TryAssignTo(worker);

        Assert.True(call.TryTakeBack());
        Assert.Equal(CallState.Queued, call.State);
        Assert.True(call.TryAssignTo(other));

        Assert.Equal(HandOver.TakenBack, call.TryStart(worker));
        Assert.Equal(HandOver.Accepted, call.TryStart(other));
    }

    [Fact]
    public void CanceledOnItsWay_TheWorkerFindsItNotPendingAndNotifiesIt()
    {
        var call = new Call<int>(() => 1);
        call.TryAssignTo(worker);
        Assert.True(call.Future.Cancel());

        Assert.Equal(HandOver.NotPending, call.TryStart(worker));
        Assert.Single(Future.Wait([call.Future], TimeSpan.Zero).Done); // notified by the hand-over itself
    }

    [Fact]
    public void Held_CancelWinsOverTheWorkersStartThroughTheClaim()
    {
        var call = new Call<int>(() => 1);
        var claim = new TestClaim();
        call.TryAssignTo(worker);
        Assert.Equal(HandOver.Accepted, call.TryHold(worker, claim));
        Assert.Equal(CallState.Held, call.State);

        Assert.True(call.Future.Cancel());

        Assert.False(claim.TryStart()); // the worker now skips it
        Assert.True(call.Future.IsCanceled);
    }

    [Fact]
    public void Held_StartedByTheWorker_CannotBeCanceledOrTakenBack()
    {
        var call = new Call<int>(() => 1);
        var claim = new TestClaim();
        call.TryAssignTo(worker);
        call.TryHold(worker, claim);

        Assert.True(claim.TryStart());

        Assert.Equal(CallState.Started, call.State);
        Assert.True(call.Future.IsRunning);
        Assert.False(call.Future.Cancel());
        Assert.False(call.TryTakeBack());
        Assert.False(call.TryGiveBack(worker)); // its worker died having started it: fail it
    }

    [Fact]
    public void Held_WorkerDiesUnstarted_GivesItBackQueued()
    {
        var call = new Call<int>(() => 1);
        call.TryAssignTo(worker);
        call.TryHold(worker, new TestClaim());

        Assert.Null(call.TryGiveBack(other)); // not that worker's
        Assert.True(call.TryGiveBack(worker));
        Assert.Equal(CallState.Queued, call.State);
        Assert.True(call.IsPendingAndUnclaimed);
    }

    [Fact]
    public void Held_SecondCopyAfterATakeBack_IsNotRunTwice()
    {
        var call = new Call<int>(() => 1);
        call.TryAssignTo(worker);
        call.TryHold(worker, new TestClaim());
        Assert.True(call.TryTakeBack());
        call.TryAssignTo(worker); // given back to the same worker
        call.TryHold(worker, new TestClaim());

        Assert.Equal(HandOver.TakenBack, call.TryHold(worker, new TestClaim())); // a stale copy arriving late
    }

    [Fact]
    public void Held_FailedByTheExecutor_NeverStartsThere()
    {
        var call = new Call<int>(() => 1);
        var claim = new TestClaim();
        call.TryAssignTo(worker);
        call.TryHold(worker, claim);

        call.Fail(new InvalidOperationException("pool broke"));

        Assert.False(claim.TryStart());
        Assert.IsType<InvalidOperationException>(call.Future.Exception());
        call.AssertInvariants();
    }

    [Fact]
    public void Held_ReclaimedByItsWorkerUnstarted_TheProcessSkipsItAndTheWorkerHoldsItAnew()
    {
        var call = new Call<int>(() => 1);
        var first = new TestClaim();
        call.TryAssignTo(worker);
        call.TryHold(worker, first);

        Assert.False(call.TryReclaim(other)); // not that worker's
        Assert.True(call.TryReclaim(worker));

        Assert.Equal(CallState.Assigned, call.State);
        Assert.False(first.TryStart()); // the recycled process skips it
        Assert.True(call.IsPendingAndUnclaimed); // the router may still take it back for another worker
        var next = new TestClaim();
        Assert.Equal(HandOver.Accepted, call.TryHold(worker, next)); // the next process holds it
        Assert.True(next.TryStart());
        Assert.Equal(CallState.Started, call.State);
    }

    [Fact]
    public void Held_StartedOrCanceled_IsNotReclaimed()
    {
        var started = new Call<int>(() => 1);
        var claim = new TestClaim();
        started.TryAssignTo(worker);
        started.TryHold(worker, claim);
        claim.TryStart();

        var canceled = new Call<int>(() => 1);
        canceled.TryAssignTo(worker);
        canceled.TryHold(worker, new TestClaim());
        canceled.Future.Cancel();

        var assigned = new Call<int>(() => 1);
        assigned.TryAssignTo(worker); // sent, not yet held under a claim: nothing to win back

        Assert.False(started.TryReclaim(worker));
        Assert.Equal(CallState.Started, started.State);
        Assert.False(canceled.TryReclaim(worker));
        Assert.False(assigned.TryReclaim(worker));
    }

    /// <summary>A claim word in memory: the worker starts, the parent cancels or takes back, the first to swap wins.</summary>
    private sealed class TestClaim : Claim
    {
        private const int Offered = 0, Started = 1, Canceled = 2, TakenBack = 3;
        private int word;

        public override bool HasStarted => Volatile.Read(ref word) == Started;

        public bool TryStart() => Interlocked.CompareExchange(ref word, Started, Offered) == Offered;

        public override bool TryCancel() => Interlocked.CompareExchange(ref word, Canceled, Offered) == Offered;

        public override bool TryTakeBack() => Interlocked.CompareExchange(ref word, TakenBack, Offered) == Offered;
    }
}
