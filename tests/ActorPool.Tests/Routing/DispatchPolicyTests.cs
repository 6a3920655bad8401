using System.Diagnostics;
using ActorPool.Calls;
using ActorPool.Routing;
using Akka.Actor;

namespace ActorPool.Tests.Routing;

/// <summary>The router's decisions on their own: slots and times made up by the test, no actors, no clocks, no sleeps.</summary>
public sealed class DispatchPolicyTests
{
    private static readonly long Now = Stopwatch.GetTimestamp();

    [Fact]
    public void NextSlot_Batches_TakesTheWorkerMadeReadyLast()
    {
        var (policy, slots) = Pool(HandOverMode.ClaimedInBatches, prefetch: 7, workers: 3);
        var first = slots.All.First();
        Hold(slots, first, Assigned(first), Now);
        slots.Release(first, first.Held[0]);

        Assert.Same(first, policy.NextSlot(slots));
    }

    [Fact]
    public void NextSlot_SendingAhead_PrefersAnIdleWorkerThenTheOneHoldingFewest()
    {
        var (policy, slots) = Pool(HandOverMode.ClaimedWatchedForStalls, prefetch: 3, workers: 3);
        var (a, b, c) = Three(slots);
        Hold(slots, a, Assigned(a), Now);
        Hold(slots, b, Assigned(b), Now);
        Hold(slots, b, Assigned(b), Now);

        Assert.Same(c, policy.NextSlot(slots));
        Hold(slots, c, Assigned(c), Now);
        Hold(slots, c, Assigned(c), Now);
        Assert.Same(a, policy.NextSlot(slots)); // holds one, the others two
    }

    [Fact]
    public void NextSlot_NoWorkerWithRoom_IsNull()
    {
        var (policy, slots) = Pool(HandOverMode.ClaimedOnRequest, prefetch: 0, workers: 2);
        foreach (var slot in slots.All.ToList())
        {
            Hold(slots, slot, Running(), Now);
        }

        Assert.Null(policy.NextSlot(slots));
    }

    [Theory]
    [InlineData(10, 3, 4)]   // an even share, rounded up
    [InlineData(1, 3, 1)]    // at least one
    [InlineData(1000, 3, 8)] // at most 1 + prefetch
    public void Share_Batches_IsAnEvenShareWithinCapacity(int queued, int workers, int expected)
    {
        var policy = new DispatchPolicy(HandOverMode.ClaimedInBatches, prefetch: 7);

        Assert.Equal(expected, policy.Share(queued, workers));
    }

    [Theory]
    [InlineData(nameof(HandOverMode.ClaimedWatchedForStalls))]
    [InlineData(nameof(HandOverMode.ClaimedOnRequest))]
    public void Share_OneByOneModes_IsOne(string mode) =>
        Assert.Equal(1, new DispatchPolicy(Enum.Parse<HandOverMode>(mode), prefetch: 7).Share(1000, 2));

    [Fact]
    public void Batches_WithoutPrefetch_AreOff()
    {
        var policy = new DispatchPolicy(HandOverMode.ClaimedInBatches, prefetch: 0);

        Assert.False(policy.Batches);
        Assert.Equal(1, policy.ReadyBelow);
    }

    [Fact]
    public void TakeBackFor_NothingQueued_TakesOneCallFromTheBusiestWorker()
    {
        var (policy, slots) = Pool(HandOverMode.ClaimedWatchedForStalls, prefetch: 3, workers: 3);
        var (idle, some, most) = Three(slots);
        Hold(slots, some, Assigned(some), Now);
        Hold(slots, some, Assigned(some), Now);
        for (var i = 0; i < 3; i++)
        {
            Hold(slots, most, Assigned(most), Now);
        }

        Assert.Equal((most, 1), policy.TakeBackFor(idle, slots, anyQueued: false, Now));
    }

    [Fact]
    public void TakeBackFor_Batches_TakesHalf()
    {
        var (policy, slots) = Pool(HandOverMode.ClaimedInBatches, prefetch: 7, workers: 2);
        var busy = slots.All.First();
        var idle = slots.All.Last();
        for (var i = 0; i < 6; i++)
        {
            Hold(slots, busy, Assigned(busy), Now);
        }

        Assert.Equal((busy, 3), policy.TakeBackFor(idle, slots, anyQueued: false, Now));
    }

    [Fact]
    public void TakeBackFor_CallsQueued_OnlyFromAWorkerHoldingItsOldestCallTooLong()
    {
        var (policy, slots) = Pool(HandOverMode.ClaimedWatchedForStalls, prefetch: 3, workers: 2);
        var busy = slots.All.First();
        var idle = slots.All.Last();
        var sent = Now - Ticks(DispatchPolicy.HeldTooLong) + 1;
        Hold(slots, busy, Assigned(busy), sent);
        Hold(slots, busy, Assigned(busy), sent);

        Assert.Null(policy.TakeBackFor(idle, slots, anyQueued: true, Now));
        Assert.Equal((busy, 1), policy.TakeBackFor(idle, slots, anyQueued: true, Now + Ticks(DispatchPolicy.HeldTooLong)));
        Assert.Equal((busy, 1), policy.TakeBackFor(idle, slots, anyQueued: false, Now)); // nothing queued: however young
    }

    [Fact]
    public void TakeBackFor_AWorkerHoldingOnlyTheCallItRuns_IsLeftAlone()
    {
        var (policy, slots) = Pool(HandOverMode.ClaimedWatchedForStalls, prefetch: 3, workers: 2);
        var busy = slots.All.First();
        Hold(slots, busy, Assigned(busy), Now - Ticks(TimeSpan.FromSeconds(1)));

        Assert.Null(policy.TakeBackFor(slots.All.Last(), slots, anyQueued: true, Now));
    }

    [Fact]
    public void TakeBackFor_ANodeWorkerHoldingACallAhead_TakesItForAnIdleWorker()
    {
        // A cluster node worker's call sent ahead is pending until its proxy grants it: an idle worker may have it.
        var (policy, slots) = Pool(HandOverMode.ClaimedOnRequest, prefetch: 1, workers: 2);
        var busy = slots.All.First();
        Hold(slots, busy, Running(), Now);
        Hold(slots, busy, Assigned(busy), Now);

        Assert.Equal((busy, 1), policy.TakeBackFor(slots.All.Last(), slots, anyQueued: false, Now));
        Assert.NotNull(slots.TryTakeBack(busy, 1));
        Assert.Null(slots.TryTakeBack(busy, 0)); // the call it runs stays
    }

    [Fact]
    public void TakeBackFor_TheBusiestWorkersCallsAllStarted_TakesFromOneThatHoldsAnUnstartedCall()
    {
        // A node worker running one call with the next already granted: neither can move. Another, as busy (and later in
        // the list), holds one sent ahead and not granted yet.
        var (policy, slots) = Pool(HandOverMode.ClaimedOnRequest, prefetch: 2, workers: 3);
        var (idle, granted, ahead) = Three(slots);
        Hold(slots, granted, Running(), Now);
        Hold(slots, granted, Running(), Now);
        Hold(slots, ahead, Running(), Now);
        Hold(slots, ahead, Assigned(ahead), Now);

        Assert.Equal((ahead, 1), policy.TakeBackFor(idle, slots, anyQueued: false, Now));
        Assert.NotNull(slots.TryTakeBack(ahead, 1));
        Assert.Null(policy.TakeBackFor(idle, slots, anyQueued: false, Now)); // nothing left that can move
    }

    [Fact]
    public void StalledFor_OnlyCallUnstartedPastTheLimit_IsTakenOncePerCall()
    {
        var (policy, slots) = Pool(HandOverMode.ClaimedWatchedForStalls, prefetch: 3, workers: 2);
        var frozen = slots.All.First();
        var idle = slots.All.Last();
        var call = Assigned(frozen);
        Hold(slots, frozen, call, Now);

        Assert.Null(policy.StalledFor(idle, slots, Now + Ticks(DispatchPolicy.StalledAfter)));
        var later = Now + Ticks(DispatchPolicy.StalledAfter + TimeSpan.FromMilliseconds(1));
        Assert.Same(frozen, policy.StalledFor(idle, slots, later));
        call.MovedAsStalled = true;
        Assert.Null(policy.StalledFor(idle, slots, later));
    }

    [Fact]
    public void StalledFor_ACallItsWorkerStarted_IsNotStalled()
    {
        var (policy, slots) = Pool(HandOverMode.ClaimedWatchedForStalls, prefetch: 3, workers: 2);
        var busy = slots.All.First();
        var call = Assigned(busy);
        Assert.Equal(HandOver.Accepted, call.TryStart(busy.Worker));
        Hold(slots, busy, call, Now);

        Assert.Null(policy.StalledFor(slots.All.Last(), slots, Now + Ticks(TimeSpan.FromMinutes(1))));
    }

    [Theory]
    [InlineData(nameof(HandOverMode.ClaimedInBatches))]
    [InlineData(nameof(HandOverMode.ClaimedOnRequest))]
    public void StalledFor_ModesThatDoNotWatch_IsNull(string name)
    {
        var mode = Enum.Parse<HandOverMode>(name);
        var (policy, slots) = Pool(mode, prefetch: 3, workers: 2);
        var busy = slots.All.First();
        Hold(slots, busy, Assigned(busy), Now);

        Assert.Null(policy.StalledFor(slots.All.Last(), slots, Now + Ticks(TimeSpan.FromMinutes(1))));
        Assert.False(policy.ShouldWatchForStalls(slots));
    }

    [Fact]
    public void ShouldWatchForStalls_ACallOutAndAWorkerIdle_IsTrue()
    {
        var (policy, slots) = Pool(HandOverMode.ClaimedWatchedForStalls, prefetch: 0, workers: 2);
        Assert.False(policy.ShouldWatchForStalls(slots)); // nothing out

        var busy = slots.All.First();
        Hold(slots, busy, Assigned(busy), Now);
        Assert.True(policy.ShouldWatchForStalls(slots));

        var other = slots.All.Last();
        Hold(slots, other, Assigned(other), Now);
        Assert.False(policy.ShouldWatchForStalls(slots)); // no one idle to give it to
    }

    private static (DispatchPolicy Policy, WorkerSlots Slots) Pool(HandOverMode mode, int prefetch, int workers)
    {
        var policy = new DispatchPolicy(mode, prefetch);
        var slots = new WorkerSlots(policy.ReadyBelow);
        for (var i = 0; i < workers; i++)
        {
            slots.MakeReady(slots.Add(new FakeWorker($"w{i}")));
        }

        return (policy, slots);
    }

    private static (Slot, Slot, Slot) Three(WorkerSlots slots)
    {
        var all = slots.All.ToArray();
        return (all[0], all[1], all[2]);
    }

    private static void Hold(WorkerSlots slots, Slot slot, WorkItem item, long sentAt)
    {
        slots.Hold(slot, item, sentAt);
        slots.AssertInvariants();
    }

    private static Call<int> Assigned(Slot slot)
    {
        var item = new Call<int>(() => 1);
        Assert.True(item.TryAssignTo(slot.Worker));
        return item;
    }

    private static Call<int> Running()
    {
        var item = new Call<int>(() => 1);
        Assert.True(item.Future.TryMarkRunning());
        return item;
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>A worker's identity, with no actor system behind it.</summary>
    internal sealed class FakeWorker(string name) : MinimalActorRef
    {
        public override ActorPath Path { get; } = new RootActorPath(new Address("akka", "test")) / name;

        public override IActorRefProvider Provider => throw new NotSupportedException();
    }
}
