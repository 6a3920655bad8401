using ActorPool.Calls;
using ActorPool.Routing;
using static ActorPool.Tests.Routing.DispatchPolicyTests;

namespace ActorPool.Tests.Routing;

/// <summary>The router's bookkeeping: the ready stack, the held calls and their count, and the check that they agree.</summary>
public sealed class WorkerSlotsTests
{
    [Fact]
    public void Hold_UpToCapacity_TakesTheWorkerOffTheReadyStack()
    {
        var slots = new WorkerSlots(readyBelow: 2);
        var slot = slots.Add(new FakeWorker("w"));
        slots.MakeReady(slot);

        slots.Hold(slot, Assigned(slot), 0);
        Assert.True(slot.IsReady);
        slots.Hold(slot, Assigned(slot), 0);
        Assert.False(slot.IsReady);
        Assert.Empty(slots.Ready);
        Assert.Equal(2, slots.HeldCount);
        slots.AssertInvariants();
    }

    [Fact]
    public void Release_PutsTheWorkerOnTopOfTheReadyStack()
    {
        var slots = new WorkerSlots(readyBelow: 1);
        var a = slots.Add(new FakeWorker("a"));
        var b = slots.Add(new FakeWorker("b"));
        slots.MakeReady(a);
        slots.MakeReady(b);
        var call = Assigned(a);
        slots.Hold(a, call, 0);

        slots.Release(a, call);

        Assert.Same(a, slots.TopReady);
        Assert.Equal(0, slots.HeldCount);
        slots.AssertInvariants();
    }

    [Fact]
    public void Release_BatchOutOfOrderOrPartlyTakenBack_CountsOnlyWhatItHeld()
    {
        var slots = new WorkerSlots(readyBelow: 1);
        var slot = slots.Add(new FakeWorker("w"));
        slots.MakeReady(slot);
        var calls = Enumerable.Range(0, 4).Select(_ => Assigned(slot)).ToArray();
        foreach (var call in calls)
        {
            slots.Hold(slot, call, 0);
        }

        Assert.NotNull(slots.TryTakeBack(slot, 1)); // taken back: the worker nulls it in what it reports
        slots.Release(slot, [calls[3], null, calls[0]]);

        Assert.Equal([calls[2]], slot.Held);
        Assert.Equal(1, slots.HeldCount);
        slots.AssertInvariants();
    }

    [Fact]
    public void TakeBackUnstarted_SkipsACallItsWorkerStarted()
    {
        var slots = new WorkerSlots(readyBelow: 4);
        var slot = slots.Add(new FakeWorker("w"));
        slots.MakeReady(slot);
        var started = Assigned(slot);
        Assert.Equal(HandOver.Accepted, started.TryStart(slot.Worker));
        var unstarted = Assigned(slot);
        slots.Hold(slot, started, 0);
        slots.Hold(slot, unstarted, 0);

        Assert.Equal([unstarted], slots.TakeBackUnstarted(slot, int.MaxValue));
        Assert.Equal(CallState.Queued, unstarted.State);
        Assert.Equal([started], slot.Held);
        slots.AssertInvariants();
    }

    [Fact]
    public void ToBottomOfReady_MakesTheWorkerLastInLine()
    {
        var slots = new WorkerSlots(readyBelow: 1);
        var a = slots.Add(new FakeWorker("a"));
        var b = slots.Add(new FakeWorker("b"));
        slots.MakeReady(a);
        slots.MakeReady(b);

        slots.ToBottomOfReady(b);

        Assert.Equal([a, b], slots.Ready);
        slots.AssertInvariants();
    }

    [Fact]
    public void MarkDraining_LeavesTheReadyStackForGood()
    {
        var slots = new WorkerSlots(readyBelow: 1);
        var slot = slots.Add(new FakeWorker("w"));
        slots.MakeReady(slot);

        slots.MarkDraining(slot);
        slots.MakeReady(slot);

        Assert.Empty(slots.Ready);
        Assert.True(slots.AllDraining);
        slots.AssertInvariants();
    }

    [Fact]
    public void AssertInvariants_ACallAddedBehindTheCountsBack_Throws()
    {
        var slots = new WorkerSlots(readyBelow: 2);
        var slot = slots.Add(new FakeWorker("w"));
        slots.MakeReady(slot);

        slot.Held.Add(Assigned(slot)); // not through Hold: the count does not know

        var error = Assert.Throws<InvalidOperationException>(slots.AssertInvariants);
        Assert.Contains("0 calls counted as held, 1 held", error.Message);
    }

    [Fact]
    public void AssertInvariants_AFullWorkerMarkedReady_Throws()
    {
        var slots = new WorkerSlots(readyBelow: 1);
        var slot = slots.Add(new FakeWorker("w"));
        slots.Hold(slot, Assigned(slot), 0);
        slots.MakeReady(slot); // refused: it is full
        Assert.False(slot.IsReady);
        slot.IsReady = true;   // as a bug would

        Assert.Throws<InvalidOperationException>(slots.AssertInvariants);
    }

    private static Call<int> Assigned(Slot slot)
    {
        var item = new Call<int>(() => 1);
        Assert.True(item.TryAssignTo(slot.Worker));
        return item;
    }
}
