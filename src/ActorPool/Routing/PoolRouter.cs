using System.Diagnostics;
using ActorPool.Calls;
using Akka.Actor;
using Akka.Actor.Internal;

namespace ActorPool.Routing;

/*
 * The router: one actor per executor, the only owner of the queue, the idle workers and the work in flight. It keeps
 * the messages and the lifecycle; WorkerSlots keeps who holds what, DispatchPolicy decides who gets what, and each
 * call's CallTicket (Calls/) records where the call stands in its hand-over.
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
 * router for more. How a worker takes its calls is the pool's HandOverMode: every worker gets them still pending, assigned
 * to it, so a call sent ahead stays cancelable and an idle worker can take it back from a busy one, until the worker
 * starts it (a thread), wins its claim (a worker process) or is granted it by its proxy (a cluster node).
 *
 * Failure: a thread worker that throws from our code is restarted (the mailbox survives a restart), and the call
 * it was running fails; a process proxy that throws is stopped instead. A worker that stops fails the calls it had
 * started and is replaced; those it held unstarted go back to the head of the queue. If the router itself stops for
 * any reason, nothing it holds is left pending: PostStop fails it all.
 */
internal sealed class PoolRouter : UntypedActor, IWithTimers
{
    private readonly WorkerPoolSpec spec;
    private readonly PoolState pool;
    private readonly DispatchPolicy policy;
    private readonly WorkerSlots slots;
    private readonly CallQueue queue;
    private bool shuttingDown;
    private bool workerlessDeadlineSet;
    private bool stalledCheckArmed;

    public ITimerScheduler Timers { get; set; } = null!;

    public PoolRouter(WorkerPoolSpec spec, PoolState pool)
    {
        this.spec = spec;
        this.pool = pool;
        policy = new DispatchPolicy(spec.HandOverMode, spec.Prefetch);
        slots = new WorkerSlots(policy.ReadyBelow);
        queue = new CallQueue(pool);
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
            case WorkerIdle idle when slots.TryGet(Sender, out var slot):
                slots.Release(slot, idle.Done);
                Refill(slot);
                break;
            case BatchDone done when slots.TryGet(Sender, out var slot):
                slots.Release(slot, done.Batch.Items);
                Refill(slot);
                break;
            case AddWorker add when !slots.Contains(add.Worker):
                // As a worker that has just finished: it takes queued calls, else calls held unstarted elsewhere (those a
                // node worker holds unclaimed behind a long call, sent ahead while this one was still attaching).
                Refill(Adopt(add.Worker));
                break;
            case WorkerDraining when slots.TryGet(Sender, out var slot):
                slots.MarkDraining(slot);
                Sender.Tell(DrainAcknowledged.Instance); // after every call sent to it, so it knows nothing more is coming
                // It finishes what it has started (or been granted); what it holds unstarted runs elsewhere, first.
                RequeueAhead(slots.TakeBackUnstarted(slot, int.MaxValue));
                Dispatch();
                break;
            case WorkerCrashed crashed when slots.TryGet(crashed.Worker, out var slot) && slot.Held.Count > 0:
                Crashed(slot, spec.WorkerLost(crashed.Worker, crashed.Cause));
                Dispatch();
                break;
            case Terminated terminated when slots.Remove(terminated.ActorRef, out var slot):
                pool.Workers = slots.Count;
                Lost(slot);
                break;
            case InitializerFailed failed:
                Break(failed.Cause);
                break;
            case StalledCheck:
                stalledCheckArmed = false;
                foreach (var slot in slots.Ready.Where(s => s.Held.Count == 0).ToList())
                {
                    TakeBackStalledFor(slot);
                }

                ArmStalledCheck();
                break;
            case NoWorkersAtShutdown:
                workerlessDeadlineSet = false;
                if (slots.AllDraining)
                {
                    FailQueuedWithoutWorkers();
                }

                break;
            case SignalWorkers signal:
                foreach (var slot in slots.All)
                {
                    slot.Worker.Tell(signal);
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

        if (shuttingDown && HasQueued && spec.WorkerlessShutdownGrace is { } grace && !workerlessDeadlineSet && slots.AllDraining)
        {
            workerlessDeadlineSet = true;
            Timers.StartSingleTimer(nameof(NoWorkersAtShutdown), NoWorkersAtShutdown.Instance, grace);
        }

        if (shuttingDown && !HasQueued && slots.HeldCount == 0 && pool.Retrying == 0)
        {
            Context.Stop(Self); // stops the workers first; PostStop then signals the executor
        }

        CheckInvariants();
    }

    [Conditional("DEBUG")]
    private void CheckInvariants() => slots.AssertInvariants();

    protected override void PreRestart(Exception reason, object message)
    {
        // A bug in this actor: its state is about to be lost, so settle everything now and stay broken.
        pool.MarkBroken(reason);
        FailEverything(new BrokenExecutorException($"The executor's router failed and the pool is not usable anymore: {reason.Message}", reason).MarkPoolBroken());
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason) => Context.Stop(Self);

    protected override void PostStop()
    {
        pool.MarkRouterStopped();
        if (!shuttingDown || HasQueued || slots.HeldCount > 0)
        {
            // Not a shutdown we were asked for, or one cut short: the actor system is going down under the executor.
            var stopped = new BrokenExecutorException("The executor's router stopped (its actor system shut down?), so the pool is not usable anymore.").MarkPoolBroken();
            pool.MarkBroken(stopped);
            FailEverything(stopped);
        }

        pool.Stopped.TrySetResult();
    }

    private void StartWorker(Props props) => Adopt(Context.ActorOf(props, $"worker-{slots.Count}-{Guid.NewGuid():N}"));

    /// <summary>Takes <paramref name="worker"/> into the pool: a child it started, or one started elsewhere (a cluster node's proxy).</summary>
    private Slot Adopt(IActorRef worker)
    {
        Context.Watch(worker);
        var slot = slots.Add(worker);
        pool.Workers = slots.Count;
        if (spec.WorkersStartReady)
        {
            slots.MakeReady(slot);
        }

        return slot;
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

    /// <summary>Calls queued: in the router's own queue (sent to it as messages, or taken back from a worker, ahead), or still in the inbox.</summary>
    private bool HasQueued => !queue.IsEmpty;

    private int QueuedCount => queue.Count;

    private bool TryDequeue(out WorkItem item) => queue.TryDequeue(out item);

    /// <summary>Hands queued calls to workers with room until one side runs out; with room left, waits for the next Submit.</summary>
    private void Dispatch()
    {
        if (pool.BrokenCause is { } cause)
        {
            FailQueued(cause); // posted as the pool broke
            return;
        }

        if (queue.ShouldOrder)
        {
            OrderByPriority();
        }

        while (policy.NextSlot(slots) is { } slot)
        {
            var share = policy.Batches ? policy.Share(QueuedCount, slots.Count) : 1;
            if (!(share > 1 ? SendBatch(slot, share) : SendNext(slot)) && pool.Calls.AwaitCalls())
            {
                return; // nothing queued: the next Submit tells the router (CallsPosted)
            }
        }
    }

    /// <summary>The next pending call, assigned to <paramref name="slot"/>'s worker; calls canceled while queued are dropped, notified.</summary>
    private bool TryNextFor(Slot slot, out WorkItem item)
    {
        while (TryDequeue(out item))
        {
            if (item.TryAssignTo(slot.Worker))
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
            slots.Hold(slot, item!, now);
        }

        slot.Worker.Tell(new WorkBatch(items), Self);
    }

    /// <summary>Sends a call already assigned to <paramref name="slot"/>'s worker.</summary>
    private void Send(Slot slot, WorkItem item)
    {
        slots.Hold(slot, item, Stopwatch.GetTimestamp());
        slot.Worker.Tell(item, Self);
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
        if (!stalledCheckArmed && policy.ShouldWatchForStalls(slots))
        {
            stalledCheckArmed = true;
            Timers.StartSingleTimer(nameof(StalledCheck), StalledCheck.Instance, DispatchPolicy.StalledAfter);
        }
    }

    /// <summary>
    /// For a worker that has just finished what it held: calls held unstarted behind another worker's call for over
    /// <see cref="DispatchPolicy.HeldTooLong"/> first (they are older than anything queued), then queued calls, then,
    /// with nothing queued, calls another worker holds unstarted however long it has held them.
    /// </summary>
    private void Refill(Slot freed)
    {
        TakeBackFor(freed);
        Dispatch();
        TakeBackFor(freed); // a no-op unless it is still idle: nothing (live) was queued after all
    }

    /// <summary>Gives a worker left with nothing to do calls another holds unstarted, as <see cref="DispatchPolicy.TakeBackFor"/> picks.</summary>
    private void TakeBackFor(Slot idle)
    {
        if (pool.IsBroken)
        {
            return;
        }

        // The clock is read only when the policy needs it (calls queued: is a busy worker's oldest call overdue?); this
        // runs twice for every call or batch a worker finishes.
        var anyQueued = HasQueued;
        if (policy.TakeBackFor(idle, slots, anyQueued, anyQueued ? Stopwatch.GetTimestamp() : 0) is not var (from, count))
        {
            TakeBackStalledFor(idle);
            return;
        }

        var taken = slots.TakeBackUnstarted(from, count, item => item.TryAssignTo(idle.Worker));
        if (taken.Count == 0)
        {
            return;
        }

        slots.MakeReady(from);
        SendBatch(idle, taken.ToArray<WorkItem?>());
    }

    /// <summary>
    /// Gives an idle worker the only call of a worker that has left it unstarted too long (it is frozen or starved),
    /// once per call, and puts that worker last in line until it shows life; else makes sure a check comes back to look.
    /// </summary>
    private void TakeBackStalledFor(Slot idle)
    {
        if (!policy.WatchesForStalls || idle.Held.Count > 0)
        {
            return; // without reading the clock
        }

        var now = Stopwatch.GetTimestamp();
        while (!pool.IsBroken && policy.StalledFor(idle, slots, now) is { } stalled)
        {
            stalled.Held[0].MovedAsStalled = true;
            var taken = slots.TakeBackUnstarted(stalled, 1, item => item.TryAssignTo(idle.Worker));
            if (taken.Count > 0)
            {
                slots.MakeReady(stalled);
                slots.ToBottomOfReady(stalled);
                SendBatch(idle, taken.ToArray<WorkItem?>());
                return;
            }
        }

        // Nothing stalled yet, but a call sent while no worker was idle may stall from now on, and only the check wakes
        // the router for it: without it, a frozen worker kept its call until DeathWatch gave the worker up.
        ArmStalledCheck();
    }

    /// <summary>Puts <paramref name="calls"/> at the head of the queue, ahead of the calls submitted after them.</summary>
    private void RequeueAhead(List<WorkItem> calls) => queue.RequeueAhead(calls);

    /// <summary>
    /// The first call with a priority has been posted: from now on the queue goes out by priority, and calls go only to
    /// workers with nothing held (what is sent ahead cannot be reordered). The calls workers hold unstarted come back to the
    /// head of the queue, oldest first, so a call with a priority can pass them.
    /// </summary>
    private void OrderByPriority()
    {
        queue.Order();
        policy.OrderByPriority();
        slots.LowerReadyBelow(policy.ReadyBelow);
        if (pool.IsBroken)
        {
            return;
        }

        var taken = new List<WorkItem>();
        foreach (var slot in slots.All.ToList())
        {
            taken.AddRange(slots.TakeBackUnstarted(slot, int.MaxValue));
            slots.MakeReady(slot);
        }

        RequeueAhead([.. taken.OrderBy(static item => item.SentAt)]);
    }

    /// <summary>
    /// For a worker that restarted (the message it ran is gone): with batches, the calls it had not started go back to
    /// the head of the queue and the rest of what it held fails (a call it had finished keeps its result); else the
    /// call it was running, its oldest, fails.
    /// </summary>
    private void Crashed(Slot slot, Exception error)
    {
        if (!policy.Batches)
        {
            var lost = slot.Held[0];
            lost.FailFromRouter(error);
            slots.Release(slot, lost);
            return;
        }

        RequeueAhead(slots.TakeBackUnstarted(slot, int.MaxValue));
        foreach (var item in slot.Held)
        {
            item.IsPendingOrNotifyCancel(); // one canceled meanwhile is notified, not failed
            item.FailFromRouter(error);
        }

        slots.DropHeld(slot);
        slots.MakeReady(slot);
    }

    private void Lost(Slot slot)
    {
        var neverStarted = new List<WorkItem>();
        foreach (var item in slot.Held)
        {
            // A call canceled while the worker held it is notified, not failed. One still pending with no worker's claim
            // on it (a claiming worker that died took back what it had not started, or never got it) runs elsewhere.
            if (item.IsPendingOrNotifyCancel() && !pool.IsBroken && item.IsPendingAndUnclaimed)
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

        slots.DropHeld(slot);
        if (spec.ReplacesLostWorkers && !pool.IsBroken && (!shuttingDown || HasQueued || pool.Retrying > 0))
        {
            StartWorker(spec.WorkerProps(slots.Count));
        }

        // Always, not only for a replacement: the calls requeued may have to go to the workers left (a cluster pool does
        // not replace a node's workers), and those may all be idle already, with nothing else to come that would dispatch.
        Dispatch();
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
        foreach (var slot in slots.All)
        {
            foreach (var item in slots.TakeBackUnstarted(slot, int.MaxValue))
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

    private void FailQueuedWithoutWorkers()
    {
        var reason = new BrokenExecutorException(
            $"The executor was shut down with this call queued and had no worker to run it for {spec.WorkerlessShutdownGrace} " +
            "(actorpool.cluster.shutdown-without-workers-timeout). Start worker nodes before shutting down, or raise that setting.").MarkPoolBroken();
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

        // Calls sent ahead are still pending until started (or granted): cancel and notify those too (their worker then
        // skips them). For a held call that is running, this changes nothing.
        foreach (var slot in slots.All)
        {
            foreach (var item in slot.Held)
            {
                item.Future.Cancel(deferCallbacks: true);
                item.IsPendingOrNotifyCancel();
            }
        }
    }

    private void FailEverything(Exception error)
    {
        while (TryDequeue(out var item))
        {
            item.FailQueued(error);
        }

        foreach (var slot in slots.All)
        {
            foreach (var item in slot.Held)
            {
                item.IsPendingOrNotifyCancel();
                item.FailFromRouter(error);
            }

            slots.DropHeld(slot);
        }
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
