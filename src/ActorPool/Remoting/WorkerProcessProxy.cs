using ActorPool.Calls;
using System.Diagnostics;
using System.Security.Cryptography;
using ActorPool.Routing;
using Akka.Actor;
using Akka.Event;

namespace ActorPool.Remoting;

/*
 * One worker of a ProcessPoolExecutor, as the router sees it: a local actor that owns a worker process.
 *
 *   PoolRouter ──WorkItem──► WorkerProcessProxy ──CallBatch (Akka.Remote, 127.0.0.1)──► ProcessWorker (child process)
 *        ▲                     │ sends what is ready in one message,                  │ claims each call on the board,
 *        └────WorkerIdle───────┤ settles the futures ◄───────────ResultBatch─────────┘ runs it, answers through an outbox
 *                              └──────── ClaimBoard (shared memory): who gets each call the worker holds unstarted ────┘
 *
 * The router sends calls ahead of time (prefetch); each travels with a slot on the board, and the future asks that
 * slot when it is canceled, so a call the worker holds unstarted is as cancelable as a queued one. An answer that
 * says "skipped" is for a call the worker lost to the parent: canceled by its user (this proxy notifies its waiters
 * and frees the worker's room), or taken back by the router for another worker (the router already counted it).
 *
 * The process registers with this actor presenting the pool's secret; anything else is ignored. Its death is
 * seen twice (the OS process's exit event, near-instant, and Akka's DeathWatch); either fails exactly the
 * calls this proxy held, with the pid and exit code, and then this actor stops so the router starts a fresh one.
 * With maxTasksPerChild, the successor process starts as soon as the last allowed call is sent, so the
 * switch-over costs no start-up time and nothing waits on a retiring worker.
 */
internal sealed class WorkerProcessProxy : UntypedActor
{
    /// <summary>Calls per message at most, so a batch stays far below the frame size however large the prefetch.</summary>
    private const int MaxCallsPerBatch = 256;

    /// <summary>
    /// Bytes of calls (mostly their arguments) a worker may hold at once: past this, calls wait here rather than be sent ahead (one call always
    /// goes, however large), so prefetching hundreds of calls never means hundreds of large payloads in a worker's memory.
    /// The router can still take back a call waiting here.
    /// </summary>
    private const long PrefetchBytes = 4 << 20;

    private sealed class Child(Process process, ClaimBoard board)
    {
        public Process Process { get; } = process;

        public int Pid { get; } = process.Id;

        public ClaimBoard Board { get; } = board;

        /// <summary>What this process's answers carry, told to it alone over its stdin.</summary>
        public string ReplyKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

        /// <summary>Board slots not holding a call; twice the capacity, since a call taken back keeps its slot until the worker answers for it.</summary>
        public Stack<int> FreeSlots { get; } = new(Enumerable.Range(0, board.Slots).Reverse());

        public IActorRef? Remote { get; set; }

        public int Sent { get; set; }

        /// <summary>The wire size of the calls in <see cref="InFlight"/>.</summary>
        public long InFlightBytes { get; set; }

        public bool Retiring { get; set; }

        public Dictionary<long, Held> InFlight { get; } = new();
    }

    /// <summary>A call the worker holds, and the future's way to ask the board whether the worker started it.</summary>
    private sealed class Held(WorkItem item, ClaimBoard board, int slot, long id, long bytes) : Claim
    {
        public WorkItem Item { get; } = item;

        public int Slot => slot;

        public long Bytes => bytes;

        public bool WasTakenBack => board.WasTakenBack(slot, id);

        public override bool HasStarted => board.HasStarted(slot, id);

        public override bool TryCancel() => board.TryCancel(slot, id);

        public override bool TryTakeBack() => board.TryTakeBack(slot, id);
    }

    private sealed class FlushNow
    {
        public static readonly FlushNow Instance = new();
    }

    private sealed record ProcessExited(int Pid, int ExitCode);

    private sealed record StartupDeadline(int Pid);

    private readonly ProcessPoolOptions options;
    private readonly Queue<WorkItem> waiting = new();
    private readonly ILoggingAdapter log = Context.GetLogger();
    private Child current = null!;
    private Child? successor;
    private long nextId;
    private bool announced;
    private bool flushScheduled;
    private bool refused;

    public WorkerProcessProxy(ProcessPoolOptions options) => this.options = options;

    public static Props Props(ProcessPoolOptions options) => Akka.Actor.Props.Create(() => new WorkerProcessProxy(options));

    protected override void PreStart()
    {
        if (refused = RemoteDeploymentGuard.Refuses(Context, nameof(WorkerProcessProxy)))
        {
            return;
        }

        try
        {
            current = Launch();
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
                waiting.Enqueue(item);
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
                child.Remote = register.Worker;
                child.Board.Unlink(); // mapped by both processes now, so nothing is left behind if either dies
                Context.Watch(register.Worker);
                if (!announced)
                {
                    // The router gives this proxy calls only from now on (a successor registering later changes nothing).
                    announced = true;
                    Context.Parent.Tell(WorkerIdle.Ready);
                    if (Interlocked.Decrement(ref options.Startup.Pending) == 0 && options.SpareWorkers > 0)
                    {
                        options.Launcher.EnsureSpares(options.SpareWorkers); // the pool's own workers are up: boot the next pool's
                    }
                }

                Flush();
                break;
            case RegisterWorker register:
                log.Warning("Ignored a worker registration from {0} (pid {1}) without this pool's secret.", Sender, register.ProcessId);
                break;
            case WorkerInitializerFailed failed when IsOurs(failed.Secret) && Find(failed.ProcessId) is { } child:
                var cause = failed.Error.ToException();
                Context.Parent.Tell(new InitializerFailed(cause));
                Lose(child, new BrokenProcessPoolException(BrokenProcessPoolException.InitializerFailedMessage, cause));
                break;
            case ResultBatch batch:
                Settle(batch);
                break;
            case ProcessExited exited when Find(exited.Pid) is { } child:
                Exited(child, exited.ExitCode);
                break;
            case Terminated terminated when FindRemote(terminated.ActorRef) is { } child:
                // DeathWatch may beat the exit event, which brings the exit code and settles the worker; one DeathWatch gave
                // up on that has not exited is frozen, and is killed after a moment. Waited for off this actor's thread,
                // which may be a caller's or a socket's.
                _ = KillUnlessExited(child.Process);
                break;
            case StartupDeadline deadline when Find(deadline.Pid) is { Remote: null } child:
                child.Process.Kill(entireProcessTree: true);
                var error = new BrokenProcessPoolException(
                    $"Worker process {child.Pid} did not start within actorpool.process-pool.startup-timeout ({options.StartupTimeout}); the process pool is not usable anymore.");
                Context.Parent.Tell(new InitializerFailed(error));
                Lose(child, error);
                break;
            case ProcessExited or Terminated or StartupDeadline:
                break; // about a process already dealt with
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void PostStop()
    {
        foreach (var child in refused ? [] : new[] { current, successor })
        {
            if (child is not null)
            {
                Stop(child, new BrokenProcessPoolException($"The process pool stopped before worker process {child.Pid} finished this call."));
            }
        }

        // The calls still waiting here (and those given back above) are pending and no worker's: the router requeues
        // them, or fails them if it is stopping itself. Some may be stale copies of calls another worker now has.
        waiting.Clear();
    }

    private Child Launch()
    {
        if (!options.Prestarted.TryDequeue(out var process))
        {
            process = (options.SpareWorkers > 0 ? options.Launcher.TakeSpare() : null) ?? options.Launcher.Start();
        }

        var child = new Child(process, ClaimBoard.Create(2 * options.Capacity));
        try
        {
            var address = Self.Path.ToStringWithAddress(((ExtendedActorSystem)Context.System).Provider.DefaultAddress);
            WorkerLauncher.Introduce(process, address, options.Secret, child.ReplyKey, options.MaxPayloadSize, options.Initializer, child.Board);
        }
        catch (IOException)
        {
            // It already died; the exit event below reports it.
        }

        var self = Self;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => self.Tell(new ProcessExited(child.Pid, SafeExitCode(process)));
        if (process.HasExited)
        {
            self.Tell(new ProcessExited(child.Pid, SafeExitCode(process)));
        }

        Context.System.Scheduler.ScheduleTellOnce(options.StartupTimeout, self, new StartupDeadline(child.Pid), self);
        return child;
    }

    /// <summary>Sends the worker every waiting call it has room for, in as few messages as the limits allow.</summary>
    private void Flush()
    {
        var batch = new Batcher<CallItem>(MaxCallsPerBatch, options.MaxPayloadSize, calls => current.Remote!.Tell(new CallBatch(options.Secret, calls), Self));
        while (waiting.Count > 0 && current.Remote is not null && !current.Retiring && current.FreeSlots.Count > 0
               && (current.InFlight.Count == 0 || current.InFlightBytes < PrefetchBytes))
        {
            var item = waiting.Dequeue();
            if (CallCodec.PreparationError(item) is { } error)
            {
                // Its arguments could not be serialized at Submit: if it is still this worker's, it fails alone here
                // (one canceled meanwhile is only notified).
                if (item.TryStart(Self) != HandOver.TakenBack)
                {
                    item.IsPendingOrNotifyCancel();
                    item.Fail(error);
                    Context.Parent.Tell(new WorkerIdle(item));
                }

                continue;
            }

            var id = ++nextId;
            var slot = current.FreeSlots.Pop();
            current.Board.Offer(slot, id);
            var call = CallCodec.Encode(item, options.Secret, id, slot);
            var size = CallCodec.WireBytes(call);
            var held = new Held(item, current.Board, slot, id, size);
            var handOver = item.TryHold(Self, held);
            if (handOver != HandOver.Accepted)
            {
                current.FreeSlots.Push(slot);
                if (handOver == HandOver.NotPending)
                {
                    item.IsPendingOrNotifyCancel(); // canceled on its way here: notify it, and this worker has room
                    Context.Parent.Tell(new WorkerIdle(item));
                }

                continue; // or the router took it back on its way here (or this is a stale copy of it), and counted it
            }

            batch.Add(call, size);
            current.InFlight[id] = held;
            current.InFlightBytes += size;
            current.Sent++;
            if (current.Sent >= options.MaxTasksPerChild)
            {
                current.Retiring = true;
                batch.Send();
                successor ??= Launch();
            }
        }

        batch.Send();
    }

    private void Settle(ResultBatch batch)
    {
        // Only the registered worker that was sent the call may answer it, with the key only it was given.
        var child = FindRemote(Sender);
        if (child is null)
        {
            return; // from a worker already let go
        }

        if (!SecretText.Matches(batch.Key, child.ReplyKey))
        {
            log.Warning("Ignored answers that claimed to come from worker process {0} without its reply key.", child.Pid);
            return;
        }

        foreach (var result in batch.Results)
        {
            if (!child.InFlight.Remove(result.Id, out var held))
            {
                continue; // a reply to a call already failed (its worker was declared dead)
            }

            child.FreeSlots.Push(held.Slot);
            child.InFlightBytes -= held.Bytes;
            if (result.Skipped)
            {
                if (held.WasTakenBack)
                {
                    continue; // the router gave it to another worker and already counted this one's room free
                }

                held.Item.IsPendingOrNotifyCancel(); // canceled by its user: now its waiters count it done
            }
            else
            {
                held.Item.Future.TryMarkRunning();
                CallCodec.Settle(held.Item, result);
            }

            Context.Parent.Tell(new WorkerIdle(held.Item));
        }

        if (child.Retiring && child.InFlight.Count == 0)
        {
            Retire(child);
        }
        else if (child == current)
        {
            Flush(); // slots freed by calls taken back may let waiting calls go
        }
    }

    private void Retire(Child child)
    {
        CloseInput(child);
        child.Board.Dispose();
        child.Process.WaitForExitAsync().ContinueWith(_ => child.Process.Dispose(), TaskScheduler.Default);
        if (child == current && successor is not null)
        {
            current = successor;
            successor = null;
            Flush();
        }
    }

    private void Exited(Child child, int exitCode)
    {
        if (child.Retiring && child.InFlight.Count == 0)
        {
            return; // retired as planned
        }

        if (child == successor)
        {
            // The successor held no call yet: start another, and let the current worker finish undisturbed.
            child.Process.Dispose();
            child.Board.Dispose();
            successor = Launch();
            return;
        }

        if (child.Remote is null)
        {
            // It died before it was ready: as in CPython, that is a failing initializer, and the pool is broken.
            // The router's queued calls fail with this error's message too, so it leads with Python's.
            var cause = new BrokenProcessPoolException($"Worker process {child.Pid} exited with code {exitCode} before it was ready.");
            var error = new BrokenProcessPoolException(BrokenProcessPoolException.InitializerFailedMessage, cause);
            Context.Parent.Tell(new InitializerFailed(error));
            Lose(child, error);
            return;
        }

        Lose(child, new BrokenProcessPoolException(
            $"Worker process {child.Pid} terminated abruptly with exit code {exitCode} while running this call. " +
            "The pool has started a replacement; other calls are not affected (those it held unstarted run on another worker)."));
    }

    /// <summary>Fails the calls the process had started and stops this proxy; the router then starts a fresh one.</summary>
    private void Lose(Child child, Exception error)
    {
        FailHeld(child, error);
        waiting.Clear(); // never sent, so still pending: the router gives them to another worker (or fails them if the pool broke)
        Context.Stop(Self);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "A process already gone or disposed needs no kill.")]
    private static async Task KillUnlessExited(Process process)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception)
            {
                // exited meanwhile, or already disposed by the pool's shutdown
            }
        }
        catch (Exception)
        {
            // disposed by the pool's shutdown
        }
    }

    private void Stop(Child child, Exception error)
    {
        FailHeld(child, error);
        CloseInput(child); // the worker exits as soon as its stdin ends: no remoting shutdown dance to wait for
        if (!child.Process.WaitForExit(options.StopTimeout))
        {
            log.Warning("Worker process {0} did not exit within {1}; killing it.", child.Pid, options.StopTimeout);
            child.Process.Kill(entireProcessTree: true);
            child.Process.WaitForExit();
        }

        child.Process.Dispose();
        child.Board.Dispose(); // every future that could ask it is settled by now
    }

    /// <summary>
    /// Settles what the process held as this proxy lets it go: a call it started fails with <paramref name="error"/>; one
    /// it had not started is given back instead, still pending, for the router to requeue on another worker.
    /// </summary>
    private void FailHeld(Child child, Exception error)
    {
        foreach (var held in child.InFlight.Values)
        {
            if (held.WasTakenBack)
            {
                continue; // the router gave it to another worker
            }

            if (held.Item.TryGiveBack(Self) != false)
            {
                continue; // given back unstarted (the router requeues it), or no longer this worker's
            }

            held.Item.IsPendingOrNotifyCancel(); // one canceled meanwhile is notified, not failed
            held.Item.Fail(error);
        }

        child.InFlight.Clear();
        child.InFlightBytes = 0;
    }

    private Child? Find(int pid) => current.Pid == pid ? current : successor?.Pid == pid ? successor : null;

    private Child? FindRemote(IActorRef remote) => current.Remote?.Equals(remote) == true ? current : successor?.Remote?.Equals(remote) == true ? successor : null;

    private bool IsOurs(string secret) => SecretText.Matches(secret, options.Secret);

    private static void CloseInput(Child child)
    {
        try
        {
            child.Process.StandardInput.Close(); // the worker exits when its stdin ends
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // already gone
        }
    }

    private static int SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }
}
