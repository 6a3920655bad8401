using System.Collections;
using ActorPool.Calls;
using Akka.Actor;

namespace ActorPool.Routing;

/// <summary>One worker as the router sees it: the calls it holds (sent to it, oldest first) and whether it has room.</summary>
internal sealed class Slot(IActorRef worker)
{
    public IActorRef Worker { get; } = worker;

    /// <summary>Calls sent to the worker and not yet reported done or taken back, in the order sent.</summary>
    public List<WorkItem> Held { get; } = new(1);

    /// <summary>On the ready stack: it may be sent more calls.</summary>
    public bool IsReady { get; internal set; }

    /// <summary>Finishing what it holds before it goes (its node is leaving): it gets nothing new.</summary>
    public bool IsDraining { get; internal set; }
}

/// <summary>
/// The router's workers and what each holds: every slot, the ready stack (workers with room, the most recently freed
/// on top, so a thread that just finished and is still spinning gets the next call), and the count of calls held.
/// The router's only state besides its queue; <see cref="AssertInvariants"/> checks that its parts agree.
/// </summary>
internal sealed class WorkerSlots(int readyBelow)
{
    private readonly Dictionary<IActorRef, Slot> slots = new();
    private readonly Stack<Slot> ready = new();

    /// <summary>A worker is ready (may take more calls) while it holds fewer than this and is not draining.</summary>
    public int ReadyBelow { get; private set; } = readyBelow;

    /// <summary>Lowers <see cref="ReadyBelow"/> to <paramref name="value"/>: a ready worker that now holds too many leaves the ready stack.</summary>
    public void LowerReadyBelow(int value)
    {
        if (value >= ReadyBelow)
        {
            return;
        }

        ReadyBelow = value;
        foreach (var slot in ready.Where(s => s.Held.Count >= value).ToList())
        {
            RemoveFromReady(slot);
        }
    }

    public int Count => slots.Count;

    /// <summary>Calls held by all workers together.</summary>
    public int HeldCount { get; private set; }

    /// <summary>Every worker; a foreach over it allocates nothing (it runs for every call a worker finishes).</summary>
    public Dictionary<IActorRef, Slot>.ValueCollection All => slots.Values;

    /// <summary>The ready workers, top of the stack first; a foreach over it allocates nothing.</summary>
    public ReadyWorkers Ready => new(ready);

    public bool AnyReady => ready.Count > 0;

    public Slot TopReady => ready.Peek();

    /// <summary>No worker could take a call now or later unless one arrives (every one there is draining, or there is none).</summary>
    public bool AllDraining => slots.Values.All(slot => slot.IsDraining);

    public bool TryGet(IActorRef worker, out Slot slot) => slots.TryGetValue(worker, out slot!);

    public bool Contains(IActorRef worker) => slots.ContainsKey(worker);

    public Slot Add(IActorRef worker)
    {
        var slot = new Slot(worker);
        slots.Add(worker, slot);
        return slot;
    }

    /// <summary>Removes a worker that stopped; what it held stays in <see cref="Slot.Held"/> for the caller to settle with <see cref="DropHeld"/>.</summary>
    public bool Remove(IActorRef worker, out Slot slot)
    {
        if (!slots.Remove(worker, out slot!))
        {
            return false;
        }

        if (slot.IsReady)
        {
            RemoveFromReady(slot);
        }

        return true;
    }

    /// <summary>Records <paramref name="item"/> as sent to <paramref name="slot"/>'s worker; a worker it fills leaves the ready stack.</summary>
    public void Hold(Slot slot, WorkItem item, long sentAt)
    {
        item.SentAt = sentAt;
        slot.Held.Add(item);
        HeldCount++;
        if (slot.Held.Count >= ReadyBelow && slot.IsReady)
        {
            RemoveFromReady(slot);
        }
    }

    /// <summary>The worker reported <paramref name="done"/> finished (if it still counts as held) and has room again.</summary>
    public void Release(Slot slot, WorkItem? done)
    {
        if (done is not null && slot.Held.Remove(done))
        {
            HeldCount--;
        }

        MakeReady(slot);
    }

    /// <summary>The worker ran <paramref name="ran"/> (it nulled the calls taken back from it) and has room again.</summary>
    public void Release(Slot slot, WorkItem?[] ran)
    {
        // Usually it holds exactly what it ran, in the order sent: drop it all at once.
        var h = 0;
        var inOrder = true;
        foreach (var item in ran)
        {
            if (item is null)
            {
                continue;
            }

            inOrder = h < slot.Held.Count && slot.Held[h] == item;
            if (!inOrder)
            {
                break;
            }

            h++;
        }

        if (inOrder && h == slot.Held.Count)
        {
            HeldCount -= h;
            slot.Held.Clear();
        }
        else
        {
            foreach (var item in ran)
            {
                if (item is not null && slot.Held.Remove(item))
                {
                    HeldCount--;
                }
            }
        }

        MakeReady(slot);
    }

    /// <summary>Takes back the call <paramref name="slot"/> holds at <paramref name="index"/> if its worker has not started it.</summary>
    public WorkItem? TryTakeBack(Slot slot, int index)
    {
        var item = slot.Held[index];
        if (!item.TryTakeBack())
        {
            return null;
        }

        slot.Held.RemoveAt(index); // its worker skips it (or drops it unsent) and sends no WorkerIdle for it
        HeldCount--;
        return item;
    }

    /// <summary>
    /// Takes back, oldest first, up to <paramref name="atMost"/> of the calls <paramref name="slot"/>'s worker holds
    /// unstarted that <paramref name="accept"/> (when given) keeps; one it does not keep is taken back all the same.
    /// </summary>
    public List<WorkItem> TakeBackUnstarted(Slot slot, int atMost, Func<WorkItem, bool>? accept = null)
    {
        var taken = new List<WorkItem>();
        for (var i = 0; i < slot.Held.Count && taken.Count < atMost;)
        {
            if (TryTakeBack(slot, i) is not { } item)
            {
                i++;
            }
            else if (accept?.Invoke(item) != false)
            {
                taken.Add(item);
            }
        }

        return taken;
    }

    /// <summary>Forgets everything <paramref name="slot"/> held, which the caller has settled or requeued.</summary>
    public void DropHeld(Slot slot)
    {
        HeldCount -= slot.Held.Count;
        slot.Held.Clear();
    }

    /// <summary>Stops giving the worker calls (its node is leaving); it finishes what it holds.</summary>
    public void MarkDraining(Slot slot)
    {
        slot.IsDraining = true;
        if (slot.IsReady)
        {
            RemoveFromReady(slot);
        }
    }

    /// <summary>Puts the worker on top of the ready stack, if it has room and is not there yet.</summary>
    public void MakeReady(Slot slot)
    {
        if (!slot.IsReady && !slot.IsDraining && slot.Held.Count < ReadyBelow)
        {
            slot.IsReady = true;
            ready.Push(slot);
        }
    }

    /// <summary>Moves a ready worker to the bottom of the ready stack: it is the last to be given a call.</summary>
    public void ToBottomOfReady(Slot slot)
    {
        if (slot.IsReady && ready.Count > 1)
        {
            Restack(without: slot, atBottom: slot);
        }
    }

    private void RemoveFromReady(Slot slot)
    {
        slot.IsReady = false;
        if (ready.Peek() == slot)
        {
            ready.Pop();
            return;
        }

        Restack(without: slot, atBottom: null);
    }

    /// <summary>The ready stack in the same order without <paramref name="without"/>, with <paramref name="atBottom"/> (if any) below the rest.</summary>
    private void Restack(Slot without, Slot? atBottom)
    {
        var others = ready.Where(s => s != without).Reverse().ToArray();
        ready.Clear();
        if (atBottom is not null)
        {
            ready.Push(atBottom);
        }

        foreach (var other in others)
        {
            ready.Push(other);
        }
    }

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> if the parts disagree: the count of held calls against the slots,
    /// a slot's ready flag against the stack, a full or draining worker on it, a call held by two workers, or a held
    /// call whose ticket is inconsistent. Linear in the calls held: the router calls it in Debug builds only.
    /// </summary>
    public void AssertInvariants()
    {
        var sum = 0;
        var seen = new HashSet<WorkItem>(ReferenceEqualityComparer.Instance);
        foreach (var (worker, slot) in slots)
        {
            Check(slot.Worker.Equals(worker), $"slot of {slot.Worker} is filed under {worker}");
            sum += slot.Held.Count;
            foreach (var item in slot.Held)
            {
                Check(seen.Add(item), $"{item.Future} is held by two workers");
                item.AssertInvariants();
            }

            Check(!slot.IsReady || ready.Contains(slot), $"{worker} is marked ready but not on the ready stack");
            Check(slot.IsReady || !ready.Contains(slot), $"{worker} is on the ready stack but not marked ready");
        }

        Check(sum == HeldCount, $"{HeldCount} calls counted as held, {sum} held by the workers");
        var onStack = new HashSet<Slot>();
        foreach (var slot in ready)
        {
            Check(onStack.Add(slot), $"{slot.Worker} is on the ready stack twice");
            Check(slots.TryGetValue(slot.Worker, out var filed) && filed == slot, $"{slot.Worker} is ready but not one of the workers");
            Check(!slot.IsDraining, $"{slot.Worker} is draining but ready");
            Check(slot.Held.Count < ReadyBelow, $"{slot.Worker} holds {slot.Held.Count} calls but is ready (below {ReadyBelow})");
        }

        static void Check(bool holds, string what)
        {
            if (!holds)
            {
                throw new InvalidOperationException($"Router state is inconsistent: {what}.");
            }
        }
    }
}

/// <summary>A read-only view of the ready stack, top first, whose enumerator is the stack's own struct.</summary>
internal readonly struct ReadyWorkers(Stack<Slot> stack) : IEnumerable<Slot>
{
    public int Count => stack.Count;

    public Stack<Slot>.Enumerator GetEnumerator() => stack.GetEnumerator();

    IEnumerator<Slot> IEnumerable<Slot>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
