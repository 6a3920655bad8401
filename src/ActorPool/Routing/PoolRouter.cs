using System.Diagnostics;
using Akka.Actor;
using Akka.Actor.Internal;

namespace ActorPool.Routing;

/*
 * The router: one actor per executor, the only owner of the queue, the idle workers and the work in flight.
 *
 *   Executor.Submit ──WorkItem──► CallInbox ──► PoolRouter ──WorkItem──► worker (at most 1 + prefetch held)
 *          └──CallsPosted (only when the   │  queue (FIFO)     or WorkBatch│ runs the call, settles the future
 *             router waits for calls)──────►  ready (LIFO of workers      │
 *                                          │   with room; batches: idle)  │
 *                                          ◄──WorkerIdle or BatchDone─────┘ (a completion message per call or
 *                                                               batch; a worker that starts unready sends one when ready)
 *
 * Work is pulled: a call leaves the inbox and the queue only when a worker has room for it, an idle worker first.
 * A call canceled while queued is dropped there, its waiters notified, so Cancel() works for everything queued.
 * Submit posts calls to the inbox without a message while every worker is busy; a worker that finishes asks the
 * router for more. Thread workers take an idle worker's share of the queue in one WorkBatch, so with many calls
 * queued the three messages per call (submit, hand-over, completion) shrink to two per batch.
 * Workers that claim calls (threads, which mark a call running as they start it, and process workers, through
 * a ClaimBoard) get it still pending, assigned to them (Future.TryAssignTo): a call sent ahead stays cancelable,
 * and a worker left idle takes back the oldest unstarted calls another one holds (one, or half of them for
 * batches) when nothing is queued, or ahead of what is queued when that worker has held its oldest call for
 * over HeldTooLong: sending ahead never leaves a worker idle while a call waits, nor a call waiting long behind
 * a slow one while other workers run newer calls. A worker process's only call, still unstarted StalledAfter after
 * it was sent, goes to an idle worker too, once per call (a StalledCheck timer looks, since nothing else would): that
 * worker is frozen or starved, and goes last in line until it shows life. Workers that cannot (cluster nodes) have the call marked
 * running when it is sent (Future.TryMarkRunning), so their prefetch costs cancelability.
 *
 * Failure: a worker that throws from our code is restarted (the mailbox survives a restart), and the call
 * it was running fails; a worker that stops fails everything it held and is replaced. If the router itself
 * stops for any reason, nothing it holds is left pending: PostStop fails it all.
 */
internal sealed class PoolRouter : UntypedActor, IWithTimers
{
    private sealed class Slot(IActorRef worker)
    {
        public IActorRef Worker { get; } = worker;

        public List<WorkItem> Held { get; } = new(1);

        public bool IsReady { get; set; }

        /// <summary>Finishing what it holds before it goes (its node is leaving): it gets nothing new.</summary>
        public bool IsDraining { get; set; }
    }

    private readonly WorkerPoolSpec spec;
    private readonly PoolState pool;
    private readonly int capacity;
    private readonly bool batches;
    private readonly int readyBelow; // a worker takes more calls while it holds fewer than this
    private Queue<WorkItem> queue = new();
    private readonly Stack<Slot> ready = new();
    private readonly Dictionary<IActorRef, Slot> slots = new();
    private int held;
    private bool shuttingDown;
    private bool workerlessDeadlineSet;
    private bool stalledCheckArmed;

    /// <summary>
    /// How long a worker may hold its oldest call (sent to it, with its batch, and not yet finished) before an idle
    /// worker takes back the calls it holds unstarted ahead of the queue: longer than a thread's time slice or a
    /// young-generation GC, so batches of short calls are not torn apart whenever their thread is preempted (at 2 ms,
    /// a few runs of six threads on two cores measured 1.8-1.9 million trivial calls/s against 2.2-3.6 at 10-20 ms, if
    /// within this machine's noise), and short enough that calls held behind a slow one start soon after they would
    /// have from a shared queue.
    /// </summary>
    private static readonly TimeSpan HeldTooLong = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long a worker process may leave its only call unstarted before an idle worker takes it (once per call): far
    /// longer than a large call takes to arrive and be read, so big arguments are not passed from worker to worker.
    /// </summary>
    private static readonly TimeSpan StalledAfter = TimeSpan.FromMilliseconds(500);

    public ITimerScheduler Timers { get; set; } = null!;

    public PoolRouter(WorkerPoolSpec spec, PoolState pool)
    {
        this.spec = spec;
        this.pool = pool;
        capacity = 1 + spec.Prefetch;
        batches = spec.TakesBatches && spec.WorkersClaimCalls && capacity > 1;
        // A batch goes only to an idle worker; that worker then goes back on top of the ready stack, so the thread
        // that just finished (still spinning for work) gets the next call, rather than one that has to be woken.
        readyBelow = batches ? 1 : capacity;
    }

    public static Props Props(WorkerPoolSpec spec, PoolState pool) =>
        Akka.Actor.Props.Create(() => new PoolRouter(spec, pool));

    protected override SupervisorStrategy SupervisorStrategy() => new WorkerSupervisor(spec.RestartsFailedWorkers);

    protected override void PreStart()
    {
        for (var i = 0; i < spec.WorkerCount; i++)
        {
            StartWorker(spec.WorkerProps(i));
        }

        spec.Started(Context);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case WorkItem item:
                Accept(item);
                break;
            case CallsPosted:
                Dispatch(); // or, for a broken pool, fail them
                break;
            case WorkerIdle idle when slots.TryGetValue(Sender, out var slot):
                Release(slot, idle.Done);
                Refill(slot);
                break;
            case BatchDone done when slots.TryGetValue(Sender, out var slot):
                Release(slot, done.Batch);
                Refill(slot);
                break;
            case AddWorker add when !slots.ContainsKey(add.Worker):
                Adopt(add.Worker);
                Dispatch();
                break;
            case WorkerDraining when slots.TryGetValue(Sender, out var slot):
                slot.IsDraining = true;
                if (slot.IsReady)
                {
                    RemoveFromReady(slot);
                }

                Sender.Tell(DrainAcknowledged.Instance); // after every call sent to it, so it knows nothing more is coming
                break;
            case WorkerCrashed crashed when slots.TryGetValue(crashed.Worker, out var slot) && slot.Held.Count > 0:
                if (batches)
                {
                    LoseBatch(slot, spec.WorkerLost(crashed.Worker, crashed.Cause));
                }
                else
                {
                    var lost = slot.Held[0]; // a restarting worker loses the call it was running: its oldest
                    lost.FailFromRouter(spec.WorkerLost(crashed.Worker, crashed.Cause));
                    Release(slot, lost);
                }

                Dispatch();
                break;
            case Terminated terminated when slots.Remove(terminated.ActorRef, out var slot):
                Lost(slot);
                break;
            case InitializerFailed failed:
                Break(failed.Cause);
                break;
            case StalledCheck:
                stalledCheckArmed = false;
                foreach (var slot in slots.Values.Where(s => s.IsReady && s.Held.Count == 0).ToList())
                {
                    TakeBackStalledFor(slot);
                }

                ArmStalledCheck();
                break;
            case NoWorkersAtShutdown:
                workerlessDeadlineSet = false;
                if (HasNoWorkers)
                {
                    FailQueuedWithoutWorkers();
                }

                break;
            case ShutdownPool shutdown:
                shuttingDown = true;
                if (shutdown.CancelFutures)
                {
                    CancelPending();
                }

                break;
            default:
                Unhandled(message);
                return;
        }

        if (shuttingDown && HasQueued && spec.WorkerlessShutdownGrace is { } grace && !workerlessDeadlineSet && HasNoWorkers)
        {
            workerlessDeadlineSet = true;
            Timers.StartSingleTimer(nameof(NoWorkersAtShutdown), NoWorkersAtShutdown.Instance, grace);
        }

        if (shuttingDown && !HasQueued && held == 0)
        {
            Context.Stop(Self); // stops the workers first; PostStop then signals the executor
        }
    }

    protected override void PreRestart(Exception reason, object message)
    {
        // A bug in this actor: its state is about to be lost, so settle everything now and stay broken.
        pool.MarkBroken(reason);
        FailEverything(new BrokenExecutorException($"The executor's router failed and the pool is not usable anymore: {reason.Message}", reason));
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason) => Context.Stop(Self);

    protected override void PostStop()
    {
        pool.MarkRouterStopped();
        if (!shuttingDown || HasQueued || held > 0)
        {
            // Not a shutdown we were asked for, or one cut short: the actor system is going down under the executor.
            var stopped = new BrokenExecutorException("The executor's router stopped (its actor system shut down?), so the pool is not usable anymore.");
            pool.MarkBroken(stopped);
            FailEverything(stopped);
        }

        pool.Stopped.TrySetResult();
    }

    private void StartWorker(Props props) => Adopt(Context.ActorOf(props, $"worker-{slots.Count}-{Guid.NewGuid():N}"));

    /// <summary>Takes <paramref name="worker"/> into the pool: a child it started, or one started elsewhere (a cluster node's proxy).</summary>
    private void Adopt(IActorRef worker)
    {
        Context.Watch(worker);
        var slot = new Slot(worker);
        slots.Add(worker, slot);
        if (spec.WorkersStartReady)
        {
            MakeReady(slot);
        }
    }

    private void Accept(WorkItem item)
    {
        if (pool.BrokenCause is { } cause)
        {
            item.FailQueued(spec.Broken(cause));
            return;
        }

        queue.Enqueue(item);
        Dispatch();
    }

    /// <summary>Calls queued: in the router's own queue (sent to it as messages, or taken back from a worker that died, ahead), or still in the inbox.</summary>
    private bool HasQueued => queue.Count > 0 || !pool.Calls.IsEmpty;

    private bool TryDequeue(out WorkItem item) => queue.TryDequeue(out item!) || pool.Calls.TryTake(out item);

    /// <summary>Hands queued calls to workers with room until one side runs out; with room left, waits for the next Submit.</summary>
    private void Dispatch()
    {
        if (pool.BrokenCause is { } cause)
        {
            FailQueued(cause); // posted as the pool broke
            return;
        }

        while (ready.Count > 0)
        {
            var slot = NextSlot();
            var share = batches ? Share() : 1;
            if (!(share > 1 ? SendBatch(slot, share) : SendNext(slot)) && pool.Calls.AwaitCalls())
            {
                return; // nothing queued: the next Submit tells the router (CallsPosted)
            }
        }
    }

    /// <summary>The next pending call, assigned to <paramref name="slot"/>'s worker (or marked running); calls canceled while queued are dropped, notified.</summary>
    private bool TryNextFor(Slot slot, out WorkItem item)
    {
        while (TryDequeue(out item))
        {
            if (spec.WorkersClaimCalls ? item.Future.TryAssignTo(slot.Worker) : item.Future.TryMarkRunning() == true)
            {
                return true;
            }
        }

        return false;
    }

    private bool SendNext(Slot slot)
    {
        if (!TryNextFor(slot, out var item))
        {
            return false;
        }

        Send(slot, item);
        return true;
    }

    /// <summary>An idle worker's even share of the queued calls, so one worker does not take what others could start now.</summary>
    private int Share() => Math.Clamp((queue.Count + pool.Calls.Count + slots.Count - 1) / slots.Count, 1, capacity);

    /// <summary>Sends <paramref name="slot"/>'s worker up to <paramref name="count"/> queued calls in one message.</summary>
    private bool SendBatch(Slot slot, int count)
    {
        var items = new WorkItem?[count];
        var n = 0;
        while (n < count && TryNextFor(slot, out var item))
        {
            items[n++] = item;
        }

        if (n == 0)
        {
            return false;
        }

        Array.Resize(ref items, n);
        SendBatch(slot, items);
        return true;
    }

    /// <summary>Sends calls already assigned to <paramref name="slot"/>'s worker; a lone call travels as itself.</summary>
    private void SendBatch(Slot slot, WorkItem?[] items)
    {
        if (items.Length == 1)
        {
            Send(slot, items[0]!);
            return;
        }

        var now = Stopwatch.GetTimestamp();
        foreach (var item in items)
        {
            item!.SentAt = now;
            slot.Held.Add(item);
        }

        held += items.Length;
        slot.Worker.Tell(new WorkBatch(items), Self);
        if (slot.Held.Count >= readyBelow)
        {
            RemoveFromReady(slot);
        }
    }

    /// <summary>Sends a call already assigned to <paramref name="slot"/>'s worker.</summary>
    private void Send(Slot slot, WorkItem item)
    {
        item.SentAt = Stopwatch.GetTimestamp();
        slot.Held.Add(item);
        held++;
        slot.Worker.Tell(item, Self);
        if (slot.Held.Count >= readyBelow)
        {
            RemoveFromReady(slot);
        }

        if (slot.Held.Count == 1)
        {
            ArmStalledCheck();
        }
    }

    /// <summary>
    /// With a call sent to an idle worker while another worker is idle too, looks again in a moment whether it started:
    /// a frozen or starved worker otherwise keeps a call it will not run while the idle one waits (nothing else wakes it).
    /// </summary>
    private void ArmStalledCheck()
    {
        if (stalledCheckArmed || !spec.WorkersCanStall || !spec.WorkersClaimCalls || held == 0)
        {
            return;
        }

        foreach (var slot in ready)
        {
            if (slot.Held.Count == 0)
            {
                stalledCheckArmed = true;
                Timers.StartSingleTimer(nameof(StalledCheck), StalledCheck.Instance, StalledAfter);
                return;
            }
        }
    }

    /// <summary>
    /// For a worker that has just finished what it held: calls held unstarted behind another worker's call for over
    /// <see cref="HeldTooLong"/> first (they are older than anything queued), then queued calls, then, with nothing
    /// queued, calls another worker holds unstarted however long it has held them.
    /// </summary>
    private void Refill(Slot freed)
    {
        TakeBackFor(freed);
        Dispatch();
        TakeBackFor(freed); // a no-op unless it is still idle: nothing (live) was queued after all
    }

    /// <summary>
    /// Gives a worker left with nothing to do the oldest call that the busiest other worker holds unstarted (for
    /// batches, the oldest half): with calls sent ahead, a worker would otherwise idle while another's backlog waits.
    /// With calls queued, only from a worker that has held its oldest call for over <see cref="HeldTooLong"/>.
    /// </summary>
    private void TakeBackFor(Slot idle)
    {
        if (!spec.WorkersClaimCalls || idle.Held.Count > 0 || !idle.IsReady || pool.IsBroken)
        {
            return;
        }

        // With calls queued, only calls held behind one that has run too long go ahead of them (they are older).
        var overdueOnly = HasQueued;
        var now = Stopwatch.GetTimestamp();
        Slot? busiest = null;
        foreach (var slot in slots.Values)
        {
            if (slot.Held.Count > 1 && (busiest is null || slot.Held.Count > busiest.Held.Count)
                && (!overdueOnly || Stopwatch.GetElapsedTime(slot.Held[0].SentAt, now) > HeldTooLong))
            {
                busiest = slot;
            }
        }

        if (busiest is null)
        {
            TakeBackStalledFor(idle);
            return;
        }

        var taken = TakeBackUnstarted(busiest, batches ? busiest.Held.Count / 2 : 1, item => item.Future.TryAssignTo(idle.Worker));
        if (taken.Count == 0)
        {
            return;
        }

        MakeReady(busiest);
        SendBatch(idle, taken.ToArray<WorkItem?>());
    }

    /// <summary>
    /// Gives an idle worker the only call of a worker that has not started it for over <see cref="StalledAfter"/> after
    /// it was sent (that worker is frozen or starved), and puts that worker last in line until it shows life.
    /// </summary>
    private void TakeBackStalledFor(Slot idle)
    {
        if (!spec.WorkersCanStall || !spec.WorkersClaimCalls || idle.Held.Count > 0 || !idle.IsReady || pool.IsBroken)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        foreach (var slot in slots.Values)
        {
            if (slot != idle && slot.Held.Count == 1 && !slot.Held[0].MovedAsStalled && Stopwatch.GetElapsedTime(slot.Held[0].SentAt, now) > StalledAfter
                && slot.Held[0].Future.IsAssignedUnstarted)
            {
                slot.Held[0].MovedAsStalled = true;
                var taken = TakeBackUnstarted(slot, 1, item => item.Future.TryAssignTo(idle.Worker));
                if (taken.Count > 0)
                {
                    MakeReady(slot);
                    ToBottomOfReady(slot);
                    SendBatch(idle, taken.ToArray<WorkItem?>());
                    return;
                }
            }
        }
    }

    private void ToBottomOfReady(Slot slot)
    {
        if (slot.IsReady && ready.Count > 1)
        {
            Restack(without: slot, atBottom: slot);
        }
    }

    /// <summary>
    /// Takes back, oldest first, up to <paramref name="atMost"/> of the calls <paramref name="slot"/>'s worker holds
    /// unstarted that <paramref name="accept"/> (when given) keeps; one it does not keep is taken back all the same.
    /// </summary>
    private List<WorkItem> TakeBackUnstarted(Slot slot, int atMost, Func<WorkItem, bool>? accept = null)
    {
        var taken = new List<WorkItem>();
        for (var i = 0; i < slot.Held.Count && taken.Count < atMost;)
        {
            if (TakeBack(slot, i) is not { } item)
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

    /// <summary>Puts <paramref name="calls"/> at the head of the queue, ahead of the calls submitted after them.</summary>
    private void RequeueAhead(IEnumerable<WorkItem> calls) => queue = new Queue<WorkItem>(calls.Concat(queue));

    /// <summary>
    /// For a worker that restarted while running a batch (the message is gone): the calls it had not started go back
    /// to the head of the queue, and the rest of what it held fails (a call it had finished keeps its result).
    /// </summary>
    private void LoseBatch(Slot slot, Exception error)
    {
        RequeueAhead(TakeBackUnstarted(slot, int.MaxValue));
        foreach (var item in slot.Held)
        {
            item.Future.IsPendingOrNotifyCancel(); // one canceled meanwhile is notified, not failed
            item.FailFromRouter(error);
        }

        held -= slot.Held.Count;
        slot.Held.Clear();
        MakeReady(slot);
    }

    /// <summary>Takes back the call <paramref name="slot"/> holds at <paramref name="index"/> if its worker has not started it.</summary>
    private WorkItem? TakeBack(Slot slot, int index)
    {
        var item = slot.Held[index];
        if (!item.Future.TryTakeBack())
        {
            return null;
        }

        slot.Held.RemoveAt(index); // its worker skips it (or drops it unsent) and sends no WorkerIdle for it
        held--;
        return item;
    }

    /// <summary>
    /// An idle worker if there is one; else, to send ahead, the ready worker holding the fewest calls, so calls sent
    /// ahead spread over the workers instead of piling onto one.
    /// </summary>
    private Slot NextSlot()
    {
        if (readyBelow == 1)
        {
            return ready.Peek();
        }

        Slot? least = null;
        foreach (var slot in ready)
        {
            if (least is null || slot.Held.Count < least.Held.Count)
            {
                least = slot;
                if (slot.Held.Count == 0)
                {
                    break;
                }
            }
        }

        return least!;
    }

    private void Release(Slot slot, WorkItem? done)
    {
        if (done is not null && slot.Held.Remove(done))
        {
            held--;
        }

        MakeReady(slot);
    }

    /// <summary>Drops what a worker ran of <paramref name="batch"/> (it nulled the calls taken back from it).</summary>
    private void Release(Slot slot, WorkBatch batch)
    {
        // Usually it holds exactly what it ran, in the order sent: drop it all at once.
        var ran = batch.Items;
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
            held -= h;
            slot.Held.Clear();
        }
        else
        {
            foreach (var item in ran)
            {
                if (item is not null && slot.Held.Remove(item))
                {
                    held--;
                }
            }
        }

        MakeReady(slot);
    }

    private void MakeReady(Slot slot)
    {
        if (!slot.IsReady && !slot.IsDraining && slot.Held.Count < readyBelow)
        {
            slot.IsReady = true;
            ready.Push(slot);
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

    private void Lost(Slot slot)
    {
        var neverStarted = new List<WorkItem>();
        foreach (var item in slot.Held)
        {
            // A call canceled while the worker held it is notified, not failed. One still pending with no worker's claim
            // on it (a claiming worker that died took back what it had not started, or never got it) runs elsewhere.
            if (item.Future.IsPendingOrNotifyCancel() && spec.WorkersClaimCalls && !pool.IsBroken && item.Future.IsPendingAndUnclaimed)
            {
                neverStarted.Add(item);
            }
            else
            {
                item.FailFromRouter(spec.WorkerLost(slot.Worker, null));
            }
        }

        if (neverStarted.Count > 0)
        {
            RequeueAhead(neverStarted);
        }

        held -= slot.Held.Count;
        slot.Held.Clear();
        if (slot.IsReady)
        {
            RemoveFromReady(slot);
        }

        if (spec.ReplacesLostWorkers && !pool.IsBroken && (!shuttingDown || HasQueued))
        {
            StartWorker(spec.WorkerProps(slots.Count));
            Dispatch();
        }
    }

    private void Break(Exception cause)
    {
        if (pool.IsBroken)
        {
            return;
        }

        pool.MarkBroken(cause);
        FailQueued(cause);

        // Calls sent ahead and not yet started would otherwise still run on the workers left: as in CPython, a broken
        // pool runs nothing more. Taken back, each worker drops its copy.
        foreach (var slot in slots.Values)
        {
            foreach (var item in TakeBackUnstarted(slot, int.MaxValue))
            {
                item.FailQueued(spec.Broken(cause));
            }
        }
    }

    /// <summary>Fails every queued call with this pool's broken-pool error for <paramref name="cause"/> (one instance each).</summary>
    private void FailQueued(Exception cause)
    {
        while (TryDequeue(out var item))
        {
            item.FailQueued(spec.Broken(cause));
        }
    }

    /// <summary>No worker could take a call now or later unless one arrives (every one there is draining, or there is none).</summary>
    private bool HasNoWorkers => slots.Values.All(slot => slot.IsDraining);

    private void FailQueuedWithoutWorkers()
    {
        var reason = new BrokenExecutorException(
            $"The executor was shut down with this call queued and had no worker to run it for {spec.WorkerlessShutdownGrace} " +
            "(actorpool.cluster.shutdown-without-workers-timeout). Start worker nodes before shutting down, or raise that setting.");
        FailQueued(reason);
    }

    private void CancelPending()
    {
        // Unlike CPython, the canceled futures are notified, so Wait/AsCompleted count them as done.
        while (TryDequeue(out var item))
        {
            item.Future.Cancel(deferCallbacks: true);
            item.Future.TryMarkRunning();
        }

        // Calls sent ahead to workers that claim calls are still pending until started: cancel and notify those too
        // (their worker then skips them). Elsewhere a held call is running, and this changes nothing.
        foreach (var slot in slots.Values)
        {
            foreach (var item in slot.Held)
            {
                item.Future.Cancel(deferCallbacks: true);
                item.Future.IsPendingOrNotifyCancel();
            }
        }
    }

    private void FailEverything(Exception error)
    {
        while (TryDequeue(out var item))
        {
            item.FailQueued(error);
        }

        foreach (var slot in slots.Values)
        {
            foreach (var item in slot.Held)
            {
                item.Future.IsPendingOrNotifyCancel();
                item.FailFromRouter(error);
            }

            slot.Held.Clear();
        }

        held = 0;
    }

    /// <summary>
    /// Restarts a worker that threw from our code and tells the router which worker it was; or, where a restart would
    /// lose track of what the worker held (a process proxy), stops it, so the router settles its calls and replaces it.
    /// </summary>
    private sealed class WorkerSupervisor(bool restarts)
        : OneForOneStrategy(restarts ? Akka.Actor.SupervisorStrategy.DefaultDecider : Akka.Actor.Decider.From(Directive.Stop))
    {
        public override void ProcessFailure(IActorContext context, bool restart, IActorRef child, Exception cause,
            ChildRestartStats stats, IReadOnlyCollection<ChildRestartStats> children)
        {
            if (restart)
            {
                context.Self.Tell(new WorkerCrashed(child, cause), child);
            }

            base.ProcessFailure(context, restart, child, cause, stats, children);
        }
    }
}
