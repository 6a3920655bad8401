using ActorPool.Calls;
using ActorPool.Logging;
using ActorPool.Routing;
using ActorPool.Security;
using ActorPool.Telemetry;
using ActorPool.Wire;
using ActorPool.WorkerProcess;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorPool.ProcessPool;

/*
 * One worker of a ProcessPoolExecutor, as the router sees it: a local actor that owns a worker process.
 *
 *   PoolRouter ──WorkItem──► WorkerProcessProxy ──CallBatch (Akka.Remote, 127.0.0.1)──► CallRunner (child process)
 *        ▲                     │ sends what is ready in one message,                  │ claims each call on the board,
 *        └────WorkerIdle───────┤ settles the futures ◄───────────ResultBatch─────────┘ runs it, answers through an outbox
 *                              └──────── ClaimBoard (shared memory): who gets each call the worker holds unstarted ────┘
 *
 * The router sends calls ahead of time (prefetch); each travels with a slot on the board, and the future asks that
 * slot when it is canceled, so a call the worker holds unstarted is as cancelable as a queued one. An answer that
 * says "skipped" is for a call the worker lost to the parent: canceled by its user (this proxy notifies its waiters
 * and frees the worker's room), or taken back by the router for another worker (the router already counted it).
 *
 * The proxy keeps the messages and the order of events; WorkerChild is the OS process, CallFlow decides what is sent
 * when, Settlement ends the calls, and the router's CallTicket records each hand-over.
 *
 * The process registers with this actor presenting the pool's secret; anything else is ignored. Its exit event fails
 * the calls it had started, with the pid and exit code, and gives back those it held unstarted (the router runs them
 * elsewhere); then this actor stops so the router starts a fresh one. DeathWatch only catches a process that has
 * not exited yet has stopped answering (frozen): it is killed, and its exit event does the rest.
 * With maxTasksPerChild, the successor process starts as soon as the last allowed call is sent, so the
 * switch-over costs no start-up time and nothing waits on a retiring worker.
 *
 * With a memory limit in the pool's policy, the proxy reads its current worker's resident memory on a timer (nothing
 * reads it otherwise). Over the soft limit, the worker retires as with maxTasksPerChild, except that the calls it holds
 * unstarted are won back first and go to its successor: it finishes only the call it runs. Over the hard limit while it
 * runs a call, it is killed, and its exit fails that call with a WorkerMemoryExceededException.
 */
internal sealed class WorkerProcessProxy : UntypedActor, IWithTimers
{
    /// <summary>To itself: is the call with a timeout that it sent a worker still within its time?</summary>
    private sealed record TimeoutDue(int Pid, long Id);

    /// <summary>To itself: the grace period of a call asked to stop has passed.</summary>
    private sealed record ForceStop(int Pid, long Id);

    private sealed class FlushNow
    {
        public static readonly FlushNow Instance = new();
    }

    /// <summary>To itself, every <c>memory-check-interval</c> of a pool with a memory limit: read the worker's memory.</summary>
    private sealed class CheckMemory
    {
        public static readonly CheckMemory Instance = new();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private readonly ProcessPoolContext pool;
    private readonly CallFlow flow;
    private readonly Action<WorkItem> roomFreed;
    // A timed call answered before its limit: its check is dropped, not left to fire for nothing (a .NET timer each).
    private readonly Action<WorkerChild, HeldCall> timedSettled;
    private readonly Action<HeldCall> timed;
    private WorkerChild current = null!;
    private WorkerChild? successor;
    private bool announced;
    private bool flushScheduled;
    private bool refused;
    private bool? signaled; // set by TerminateWorkers (false) or KillWorkers (true): its calls end with the pool

    public WorkerProcessProxy(ProcessPoolContext pool)
    {
        this.pool = pool;
        flow = new CallFlow(pool);
        var (router, self) = (Context.Parent, Self);
        roomFreed = item => router.Tell(new WorkerIdle(item), self);
        timedSettled = (child, held) => Timers.Cancel(new TimeoutDue(child.Pid, held.Id));
        timed = held => CheckLater(current, held, held.Item.Control!.Timeout!.Value + held.Item.Control.Grace); // sent to the current worker
    }

    public static Props Props(ProcessPoolContext pool) => Akka.Actor.Props.Create(() => new WorkerProcessProxy(pool));

    protected override void PreStart()
    {
        if (refused = RemoteDeploymentGuard.Refuses(Context, nameof(WorkerProcessProxy)))
        {
            return;
        }

        try
        {
            current = Launch();
            if (pool.MemoryLimits is { } limits)
            {
                Timers.StartPeriodicTimer(nameof(CheckMemory), CheckMemory.Instance, limits.CheckInterval);
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            // A worker that cannot even be started would fail the same way on every replacement: break the pool.
            var cause = new BrokenProcessPoolException($"Could not start a worker process: {e.Message}", e);
            Context.Parent.Tell(new InitializerFailed(cause));
            throw;
        }
    }

    protected override void OnReceive(object message)
    {
        if (refused)
        {
            return;
        }

        switch (message)
        {
            case WorkItem item:
                flow.Enqueue(item);
                if (current.InFlight.Count == 0)
                {
                    Flush(); // the worker is idle: every microsecond counts
                }
                else if (!flushScheduled)
                {
                    // It is busy: let the calls the router is sending now gather into one message.
                    flushScheduled = true;
                    Self.Tell(FlushNow.Instance);
                }

                break;
            case FlushNow:
                flushScheduled = false;
                Flush();
                break;
            case RegisterWorker register when IsOurs(register.Secret) && Find(register.ProcessId) is { } child:
                Registered(child, register.Worker);
                break;
            case RegisterWorker register:
                ProcessPoolLog.RegistrationRefused(pool.Log, Sender.Path.ToString(), register.ProcessId);
                break;
            case WorkerInitializerFailed failed when IsOurs(failed.Secret) && Find(failed.ProcessId) is { } child:
                var cause = failed.Error.ToException();
                ProcessPoolLog.InitializerFailed(pool.Log, child.Pid, $"{failed.Error.TypeName}: {failed.Error.Message}");
                Context.Parent.Tell(new InitializerFailed(cause));
                Lose(child, new BrokenProcessPoolException(BrokenProcessPoolException.InitializerFailedMessage, cause).MarkPoolBroken());
                break;
            case ResultBatch batch:
                Answered(batch);
                break;
            case WorkerLogRecord record when Find(record.ProcessId) is { } child && SecretText.Matches(record.Key, child.ReplyKey):
                Logged(child, record);
                break;
            case WorkerLogRecord:
                break; // not from a worker of ours: ignored without a word, or a flood of them would flood the log
            case ProcessExited exited when Find(exited.Pid) is { } child:
                Exited(child, exited.ExitCode);
                break;
            case Terminated terminated when FindRemote(terminated.ActorRef) is { } child:
                // DeathWatch may beat the exit event, which brings the exit code and settles the worker; one DeathWatch gave
                // up on that has not exited is frozen, and is killed after a moment.
                _ = child.KillUnlessExitedAsync();
                break;
            case StartupDeadline deadline when Find(deadline.Pid) is { Remote: null } child:
                child.Kill();
                ProcessPoolLog.StartupTimedOut(pool.Log, child.Pid, pool.StartupTimeout);
                var error = new BrokenProcessPoolException(
                    $"Worker process {child.Pid} did not start within actorpool.process-pool.startup-timeout ({pool.StartupTimeout}); the process pool is not usable anymore.").MarkPoolBroken();
                Context.Parent.Tell(new InitializerFailed(error));
                Lose(child, error);
                break;
            case StopCall stop:
                RequestStop(stop.Item);
                break;
            case TimeoutDue check when Find(check.Pid) is { } child && child.InFlight.TryGetValue(check.Id, out var held):
                CheckTimeout(child, held);
                break;
            case ForceStop force when Find(force.Pid) is { } child && child.InFlight.TryGetValue(force.Id, out var held):
                Force(child, held, StopReason.Canceled);
                break;
            case CheckMemory:
                WatchMemory(pool.MemoryLimits!);
                break;
            case SignalWorkers signal:
                signaled = signal.Kill;
                foreach (var child in Children)
                {
                    Signal(child, signal.Kill);
                }

                break;
            case ProcessExited or Terminated or StartupDeadline or TimeoutDue or ForceStop:
                break; // about a process or a call already dealt with
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void PostStop()
    {
        foreach (var child in refused ? [] : Children)
        {
            Settlement.FailHeld(child, Self, new BrokenProcessPoolException($"The process pool stopped before worker process {child.Pid} finished this call."));
            ProcessPoolLog.WorkerLetGo(pool.Log, child.Pid);
            LetGo(child);
            pool.Exits.Add(child.StopAsync(pool.StopTimeout, pool.Log));
        }

        // The calls still waiting here (and those given back above) are pending and no worker's: the router requeues
        // them, or fails them if it is stopping itself.
        flow.Clear();
    }

    private WorkerChild Launch()
    {
        var address = Self.Path.ToStringWithAddress(((ExtendedActorSystem)Context.System).Provider.DefaultAddress);
        return WorkerChild.Launch(pool, Self, address, Context.System.Scheduler);
    }

    private void Registered(WorkerChild child, IActorRef runner)
    {
        var stopper = ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(runner.Path / CallRunner.StopperName);
        child.Registered(runner, stopper, flow.OutboxTo(runner, Self));
        child.Board.Unlink(); // mapped by both processes now, so nothing is left behind if either dies
        Context.Watch(runner);
        ProcessPoolLog.WorkerReady(pool.Log, child.Pid);
        if (!announced)
        {
            // The router gives this proxy calls only from now on (a successor registering later changes nothing).
            announced = true;
            Context.Parent.Tell(WorkerIdle.Ready);
            // The pool's own workers are up: boot the spares (for the next pool, and for replacing a worker that dies or
            // is killed). A replacement that took one boots another once it is up, so the next replacement is as quick.
            if (Interlocked.Decrement(ref pool.Startup.Pending) <= 0 && pool.SpareWorkers > 0)
            {
                pool.Launcher.EnsureSpares(pool.SpareWorkers);
            }
        }

        Flush();
    }

    /// <summary>Sends the current worker what it has room for; one that has been sent its last allowed call gets a successor now, so the switch-over costs no start-up.</summary>
    private void Flush()
    {
        if (flow.Flush(current, Self, roomFreed, timed) && successor is null)
        {
            successor = Launch();
            pool.Meter.WorkerRestarted(WorkerRestartReason.Recycled);
        }
    }

    private void Answered(ResultBatch batch)
    {
        // Only the registered worker that was sent the call may answer it, with the key only it was given.
        var child = FindRemote(Sender);
        if (child is null)
        {
            return; // from a worker already let go
        }

        if (!SecretText.Matches(batch.Key, child.ReplyKey))
        {
            ProcessPoolLog.AnswersRefused(pool.Log, child.Pid);
            return;
        }

        Settlement.Settle(child, batch, roomFreed, timedSettled);
        if (child.Retiring && child.InFlight.Count == 0)
        {
            Retire(child);
        }
        else if (child == current)
        {
            Flush(); // slots freed by calls taken back may let waiting calls go
        }
    }

    private void Retire(WorkerChild child)
    {
        if (!child.OverSoftMemoryLimit)
        {
            ProcessPoolLog.WorkerRetired(pool.Log, child.Pid, child.Sent); // one over its memory limit was logged as such (event 216)
        }

        LetGo(child);
        child.Retire();
        if (child == current && successor is not null)
        {
            current = successor;
            successor = null;
            Flush();
        }
    }

    private void Exited(WorkerChild child, int exitCode)
    {
        if (child.Retiring && child.InFlight.Count == 0)
        {
            return; // retired as planned
        }

        if (child == successor)
        {
            // The successor held no call yet: start another, and let the current worker finish undisturbed.
            child.Release();
            successor = Launch();
            pool.Meter.WorkerRestarted(WorkerRestartReason.Crashed);
            return;
        }

        if (child.Remote is null && signaled is { } ended)
        {
            // Ended by TerminateWorkers/KillWorkers while it started: the pool is shutting down, not broken.
            Lose(child, new BrokenProcessPoolException($"Worker process {child.Pid} was ended by {(ended ? "KillWorkers" : "TerminateWorkers")} before it was ready."));
            return;
        }

        if (child.Remote is null)
        {
            // It died before it was ready: as in CPython, that is a failing initializer, and the pool is broken.
            // The router's queued calls fail with this error's message too, so it leads with Python's.
            ProcessPoolLog.WorkerExitedBeforeReady(pool.Log, child.Pid, exitCode);
            var cause = new BrokenProcessPoolException($"Worker process {child.Pid} exited with code {exitCode} before it was ready.");
            var error = new BrokenProcessPoolException(BrokenProcessPoolException.InitializerFailedMessage, cause).MarkPoolBroken();
            Context.Parent.Tell(new InitializerFailed(error));
            Lose(child, error);
            return;
        }

        if (signaled is null)
        {
            // Lost while the pool runs: the router starts a replacement (unless it is shutting down with nothing left to run).
            pool.Meter.WorkerRestarted(
                child.KilledToStopCall ? WorkerRestartReason.Stopped : child.KilledForMemory is not null ? WorkerRestartReason.Memory : WorkerRestartReason.Crashed);
            if (!child.KilledToStopCall && child.KilledForMemory is null)
            {
                ProcessPoolLog.WorkerCrashed(pool.Log, child.Pid, exitCode, child.InFlight.Values.Count(held => held.HasStarted));
            }
        }

        Lose(child, signaled is { } kill
            ? new BrokenProcessPoolException($"Worker process {child.Pid} was ended by {(kill ? "KillWorkers" : "TerminateWorkers")} (exit code {exitCode}) while running this call.")
            {
                ExitCode = exitCode,
            }
            : child.KilledForMemory is { } seen
            ? new WorkerMemoryExceededException(child.Pid, pool.MemoryLimits!.Hard!.Value, seen, exitCode) { ExitCode = exitCode }
            : new BrokenProcessPoolException($"Worker process {child.Pid} terminated abruptly with exit code {exitCode} while running this call. " +
              "The pool has started a replacement; other calls are not affected (those it held unstarted run on another worker).")
            {
                ExitCode = exitCode,
            });
    }

    /// <summary>Fails the calls the process had started and stops this proxy; the router then starts a fresh one.</summary>
    private void Lose(WorkerChild child, Exception error)
    {
        Settlement.FailHeld(child, Self, error);
        flow.Clear(); // never sent, so still pending: the router gives them to another worker (or fails them if the pool broke)
        Context.Stop(Self);
    }

    /// <summary>
    /// A running call's token was canceled: its worker's stop actor cancels the call's token there, and the call has its
    /// grace period to end before its worker is killed. A call not (or no longer) held here needs nothing.
    /// </summary>
    private void RequestStop(WorkItem item)
    {
        foreach (var child in Children)
        {
            if (child.InFlight.Values.FirstOrDefault(held => held.Item == item) is { } held)
            {
                child.Stopper?.Tell(new CancelCall(pool.Secret, held.Id), Self);
                var force = new ForceStop(child.Pid, held.Id);
                Timers.StartSingleTimer(force, force, item.Control!.Grace);
                return;
            }
        }
    }

    /// <summary>
    /// For a call with a timeout: its worker cancels the call's token when the timeout runs out (on the machine's monotonic
    /// clock, from the start it stamped on the board), and this proxy kills the worker if the call is still running the
    /// grace period after that. Until the call starts, it cannot run out sooner than its timeout and grace from now.
    /// </summary>
    private void CheckTimeout(WorkerChild child, HeldCall held)
    {
        var control = held.Item.Control!;
        var limit = control.Timeout!.Value + control.Grace;
        if (!held.HasStarted)
        {
            CheckLater(child, held, limit);
            return;
        }

        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var ran = System.Diagnostics.Stopwatch.GetElapsedTime(Math.Min(held.StartedAt, now), now);
        if (ran >= limit)
        {
            Force(child, held, StopReason.TimedOut);
        }
        else
        {
            CheckLater(child, held, limit - ran);
        }
    }

    private void CheckLater(WorkerChild child, HeldCall held, TimeSpan delay)
    {
        var due = new TimeoutDue(child.Pid, held.Id);
        Timers.StartSingleTimer(due, due, delay);
    }

    /// <summary>
    /// Stops a call that is still running its grace period after it was asked to stop: settles its future (canceled, or a
    /// <see cref="TimeoutException"/>) and kills its worker. The process's exit then gives back the calls it held unstarted,
    /// which run elsewhere, and this proxy stops so the router starts a replacement (a spare, if there is one).
    /// </summary>
    private void Force(WorkerChild child, HeldCall held, StopReason reason)
    {
        child.InFlight.Remove(held.Id);
        child.InFlightBytes -= held.Bytes;
        var control = held.Item.Control!;
        control.RequestStop(reason); // the first reason stands: a call canceled before its timeout ran out ends canceled
        held.Item.SettleStopped(deferCallbacks: true); // this may be the scheduler's thread: user callbacks go to the thread pool
        ProcessPoolLog.WorkerKilledAfterGrace(pool.Log, child.Pid, MethodNames.Describe(held.Item.Function.Method), control.Grace, control.StopCause);
        child.KilledToStopCall = true;
        Signal(child, kill: true);
    }

    /// <summary>
    /// Acts on the current worker's resident memory: over the hard limit while it runs a call, it is killed (its exit fails
    /// that call); over the soft limit (or over the hard one with no call running, when killing it would gain nothing), it is
    /// recycled. A successor is not read: it holds no call until it takes over, and is read from then on.
    /// </summary>
    private void WatchMemory(WorkerMemoryLimits limits)
    {
        var child = current;
        if (child.Remote is null || child.KilledToStopCall || child.KilledForMemory is not null
            || WorkerMemory.Resident(child.Process, child.Pid) is not { } seen)
        {
            return; // starting, already being killed, or gone (its exit event settles it)
        }

        if (limits.Hard is { } hard && seen > hard && child.InFlight.Values.FirstOrDefault(held => held.HasStarted) is { } running)
        {
            child.KilledForMemory = seen;
            ProcessPoolLog.WorkerKilledForMemory(pool.Log, child.Pid, seen, hard, MethodNames.Describe(running.Item.Function.Method));
            Signal(child, kill: true);
        }
        else if ((limits.Soft ?? limits.Hard) is { } soft && seen > soft && !child.OverSoftMemoryLimit)
        {
            child.OverSoftMemoryLimit = true;
            ProcessPoolLog.WorkerOverSoftMemoryLimit(pool.Log, child.Pid, seen, soft);
            Recycle(child);
        }
    }

    /// <summary>
    /// Retires <paramref name="child"/> after the call it runs: it gets nothing more; the calls it holds unstarted are won
    /// back (it answers "skipped" for them) and go first to its successor, started now unless one already is, which takes
    /// over as soon as the retiring worker has answered everything, as after <c>maxTasksPerChild</c>.
    /// </summary>
    private void Recycle(WorkerChild child)
    {
        child.Retiring = true;
        var wonBack = new List<WorkItem>();
        foreach (var held in child.InFlight.Values.OrderBy(held => held.Id))
        {
            if (!held.HasStarted && held.Item.TryReclaim(Self))
            {
                wonBack.Add(held.Item);
            }
        }

        flow.PutBack(wonBack);
        if (successor is null)
        {
            successor = Launch();
            pool.Meter.WorkerRestarted(WorkerRestartReason.Memory);
        }

        if (child.InFlight.Count == 0)
        {
            Retire(child);
        }
    }

    /// <summary>Kills or terminates a worker process; one that has answered all it held and retires just goes.</summary>
    private void Signal(WorkerChild child, bool kill)
    {
        ProcessPoolLog.WorkerSignaled(pool.Log, child.Pid, kill ? "SIGKILL" : "SIGTERM");
        try
        {
            if (kill)
            {
                child.Kill();
            }
            else
            {
                child.Terminate();
            }
        }
        catch (InvalidOperationException)
        {
            // it has exited already: its exit event does the rest
        }

        if (child.Retiring && child.InFlight.Count == 0)
        {
            Retire(child);
        }
    }

    /// <summary>
    /// Stops watching a worker this proxy lets go (retiring, or at shutdown) before its stdin closes: it then shuts its
    /// remoting down cleanly, and nothing here sends it heartbeats meanwhile. Akka.Remote sees a peer that shut down, which
    /// it notes at Debug, in this system or the user's, rather than a dropped connection, which it reports as an error.
    /// </summary>
    private static void LetGo(WorkerChild child)
    {
        if (child.Remote is { } remote)
        {
            Context.Unwatch(remote);
        }
    }

    /// <summary>Logs a record its worker process sent, under <c>ActorPool.Worker</c> with the worker's pid, at the worker's level.</summary>
    private void Logged(WorkerChild child, WorkerLogRecord record)
    {
        if (record.Dropped > 0)
        {
            WorkerLog.Dropped(pool.WorkerLog, child.Pid, record.Dropped);
        }

        var level = (LogLevel)record.Level;
        if (pool.WorkerLog.IsEnabled(level))
        {
            WorkerLog.Forwarded(pool.WorkerLog, level, child.Pid, record.Source, record.Text);
        }
    }

    /// <summary>The worker process, and its successor if one is starting (current is null only before PreStart launched it).</summary>
    private IEnumerable<WorkerChild> Children => new[] { current, successor }.OfType<WorkerChild>();

    private WorkerChild? Find(int pid) => current.Pid == pid ? current : successor?.Pid == pid ? successor : null;

    private WorkerChild? FindRemote(IActorRef remote) => current.Remote?.Equals(remote) == true ? current : successor?.Remote?.Equals(remote) == true ? successor : null;

    private bool IsOurs(string secret) => SecretText.Matches(secret, pool.Secret);
}
