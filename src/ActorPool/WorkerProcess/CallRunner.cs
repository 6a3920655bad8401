using System.Collections.Concurrent;
using System.Reflection;
using ActorPool.Calls;
using ActorPool.Logging;
using ActorPool.Security;
using ActorPool.Telemetry;
using ActorPool.Threads;
using ActorPool.Wire;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorPool.WorkerProcess;

/// <summary>
/// The actor in a worker process (or on a cluster worker node) that runs calls, one at a time, on its own pinned
/// thread: it runs the initializer, registers with its proxy in the parent, then answers each <see cref="CallItem"/>
/// with a <see cref="ResultItem"/>, preceded by the progress values the call reported (see <see cref="RunningCall"/>). A user
/// exception is a result like any other; only the process dying ends a call otherwise.
/// A worker process gets its calls in <see cref="CallBatch"/>es, sent ahead of time: it starts each one only if it wins
/// the call's word on the <see cref="ClaimBoard"/> (else the parent canceled it or took it back), and its answers leave
/// through an outbox that a helper actor empties into <see cref="ResultBatch"/>es, so a quick call's answer never waits
/// for the next call to finish, and answers that are ready together travel together.
/// A node worker shares no memory with its proxy, so it pipelines its claims instead: a call sent ahead
/// (<see cref="CallItem.AwaitsClaim"/>) waits here until the proxy's <see cref="ClaimAnswer"/> grants or refuses it, and
/// as the worker takes each call it sends <see cref="ClaimNext"/>, so the answer for the next call arrives while this one runs.
/// </summary>
/// <param name="parentPath">The actor it registers with: its proxy in the parent, or a cluster executor's membership actor.</param>
/// <param name="secret">The pool's secret, which every call must carry.</param>
/// <param name="replyKey">What every answer carries, so that its proxy knows it comes from this worker: given privately by
/// the parent (a child process) or derived from the cluster's secret (a node).</param>
/// <param name="initializer">Run once before the first call; if it throws, the worker reports it instead of registering.</param>
/// <param name="maxPayload">The largest serialized result it sends back; a larger one fails that call.</param>
/// <param name="registrationToken">What it presents when registering: the pool's secret itself for a child process
/// (the parent handed it over privately), a proof of knowing it for a cluster node (which must not send it to whoever asks).</param>
/// <param name="allowList">On a cluster node, the assemblies whose methods it may run; null runs any (a child process runs its parent's code).</param>
/// <param name="board">In a child process, the words shared with its parent that decide each prefetched call; null on a cluster node.</param>
internal sealed class CallRunner(
    string parentPath, string secret, string replyKey, CallDescriptor? initializer, long maxPayload, string? registrationToken = null, AssemblyAllowList? allowList = null,
    ClaimBoard? board = null) : UntypedActor
{
    private readonly Dictionary<CallDescriptor, Invocation> invocations = new();
    private readonly Outbox outbox = new();
    // The stoppable calls (those with a token or a timeout) running here, by id, for the stop actor to cancel.
    private readonly ConcurrentDictionary<long, CallControl> stoppable = new();
    // Calls asked to stop before they started here (a node's calls wait in this actor's mailbox, already running for the
    // executor): they end canceled without running. Ids below the next call's are dropped then, so this never grows.
    private readonly ConcurrentDictionary<long, byte> stoppedEarly = new();
    // On a cluster node, where nothing can kill a call that will not stop: the threads such calls run on, to abandon it.
    private readonly CallThreads? callThreads = board is null ? NodeCallThreads : null;

    /// <summary>The call threads of every node worker in this process (shared, so one count covers them all).</summary>
    private static readonly CallThreads NodeCallThreads = new("actorpool-node-call", 0, static () => { });
    private IActorRef flusher = ActorRefs.Nobody;
    private Action<RunningCall> queueProgress = null!;
    private bool refused;
    // On a node: the calls that wait for their proxy's answer (sent ahead), with any sent after them, in the order they
    // came; and the answers that came for them. Both bounded by what the proxy sends ahead: an answer for a call not
    // waiting here is dropped.
    private readonly Queue<(CallItem Call, IActorRef Proxy)> awaiting = new();
    private readonly Dictionary<long, bool> answers = new();
    // On a node: the proxy's messages (calls, claim answers) this worker has taken from its mailbox.
    private long taken;
    // A worker process's records go to its parent; a node's, to its own system's Akka logging (the node's console).
    private ILogger log = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public static Props Props(string parentPath, string secret, string replyKey, CallDescriptor? initializer, long maxPayload, ClaimBoard board) =>
        Akka.Actor.Props.Create(() => new CallRunner(parentPath, secret, replyKey, initializer, maxPayload, null, null, board));

    public static Props Props(
        string parentPath, string secret, string replyKey, CallDescriptor? initializer, long maxPayload, string registrationToken, AssemblyAllowList allowList) =>
        Akka.Actor.Props.Create(() => new CallRunner(parentPath, secret, replyKey, initializer, maxPayload, registrationToken, allowList, null));

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Any initializer failure breaks the pool; it is reported, not rethrown.")]
    protected override void PreStart()
    {
        if (refused = RemoteDeploymentGuard.Refuses(Context, nameof(CallRunner)))
        {
            return;
        }

        var self = Self;
        flusher = Context.ActorOf(Akka.Actor.Props.Create(() => new Flusher(outbox, self, replyKey, maxPayload)), "outbox");
        var outboxFlusher = flusher;
        // A progress value leaves through the flusher, never from the call's own thread, which goes on with its work.
        queueProgress = call =>
        {
            if (outbox.AddProgress(call))
            {
                outboxFlusher.Tell(call.Proxy);
            }
        };
        // Its own actor, on another thread, so a stop request overtakes the calls queued here behind the running one.
        Context.ActorOf(Akka.Actor.Props.Create(() => new Stopper(stoppable, stoppedEarly, secret)), StopperName);
        // A reference, not a selection: the systems refuse inbound actor selections (untrusted mode), so nothing can
        // reach an actor here by naming its path.
        var parent = ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(parentPath);
        if (board is not null)
        {
            var forwarder = new WorkerLogForwarder(parent, replyKey);
            if (WorkerHost.IsWorkerProcess)
            {
                forwarder.Install(); // Akka's records too; not in a process that hosts a runner for a test
            }

            log = forwarder;
        }
        else
        {
            log = new AkkaLoggerFactory(Context.System).CreateLogger(LogCategories.Worker);
        }

        try
        {
            if (initializer is not null)
            {
                allowList?.Check(initializer);
                var (method, target) = initializer.Resolve();
                method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, [], null);
            }
        }
        catch (Exception e)
        {
            WorkerLog.InitializerFailed(log, e, Environment.ProcessId); // sent ahead of the failure itself, on the same connection
            parent.Tell(new WorkerInitializerFailed(registrationToken ?? secret, Environment.ProcessId, ErrorInfo.From(e)), Self);
            return; // the parent breaks the pool and stops this process
        }

        parent.Tell(new RegisterWorker(registrationToken ?? secret, Environment.ProcessId, Self), Self);
    }

    protected override void OnReceive(object message)
    {
        if (refused)
        {
            return;
        }

        switch (message)
        {
            case CallItem call when board is null && IsOurs(call.Secret):
                taken++;
                Arrived(call, Sender);
                break;
            case CallItem call when IsOurs(call.Secret):
                Post(Sender, Take(call, Sender), last: true); // through the outbox, behind the progress the call reported
                break;
            case ClaimAnswer answer when board is null && IsOurs(answer.Secret):
                taken++;
                Answered(answer, Sender);
                break;
            case ClaimAnswer:
                break; // forged, or for a worker process (which claims on its board): nothing waits for it
            case CallBatch batch when IsOurs(batch.Secret):
                for (var i = 0; i < batch.Calls.Length; i++)
                {
                    Post(Sender, Take(batch.Calls[i], Sender), last: i == batch.Calls.Length - 1);
                }

                break;
            case CallItem or CallBatch:
                WorkerLog.CallRefused(log, Environment.ProcessId);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private bool IsOurs(string presented) => SecretText.Matches(presented, secret);

    /// <summary>On a node: runs a call granted as it was sent, unless calls sent before it still wait; else it waits its turn.</summary>
    private void Arrived(CallItem call, IActorRef proxy)
    {
        if (!call.AwaitsClaim && awaiting.Count == 0)
        {
            RunOnNode(call, proxy);
            return;
        }

        awaiting.Enqueue((call, proxy));
        RunAnswered();
    }

    /// <summary>On a node: the proxy decided a call sent ahead; it runs if granted and next, and is dropped if refused.</summary>
    private void Answered(ClaimAnswer answer, IActorRef from)
    {
        foreach (var (call, proxy) in awaiting)
        {
            if (call.Id == answer.Id && call.AwaitsClaim && proxy.Equals(from))
            {
                answers[answer.Id] = answer.Granted;
                RunAnswered();
                return;
            }
        }
    }

    /// <summary>Runs the waiting calls in order while each is granted (or was granted as sent); stops at one whose answer is on its way.</summary>
    private void RunAnswered()
    {
        while (awaiting.TryPeek(out var next))
        {
            var granted = true;
            if (next.Call.AwaitsClaim && !answers.Remove(next.Call.Id, out granted))
            {
                return;
            }

            awaiting.Dequeue();
            if (granted)
            {
                RunOnNode(next.Call, next.Proxy);
            }

            // A refused call was canceled or taken back at the coordinator, which settled or moved it: nothing to answer.
        }
    }

    /// <summary>
    /// Runs a call on a node, first asking its proxy to claim the next call it sent here, if that call has reached this
    /// worker (taken, or still in the mailbox): the answer travels while this call runs, so the worker finds the next call
    /// decided when it is done with this one. A call that reaches it later is decided when this one is answered.
    /// </summary>
    private void RunOnNode(CallItem call, IActorRef proxy)
    {
        proxy.Tell(new ClaimNext(replyKey, call.Id, taken + ((ActorCell)Context).NumberOfMessages), Self);
        Post(proxy, Take(call, proxy), last: true);
    }

    /// <summary>
    /// Queues an answer, and sees that it leaves: through the <see cref="Flusher"/> while more calls of the batch follow,
    /// else from this thread, which has nothing else to do, unless a flush is already on its way.
    /// </summary>
    private void Post(IActorRef proxy, ResultItem result, bool last)
    {
        if (outbox.Add(result))
        {
            if (last)
            {
                outbox.Flush(proxy, Self, replyKey, maxPayload);
            }
            else
            {
                flusher.Tell(proxy);
            }
        }
    }

    /// <summary>Empties the outbox on a thread of its own while the worker's thread runs the next call.</summary>
    private sealed class Flusher(Outbox outbox, IActorRef worker, string replyKey, long maxPayload) : UntypedActor
    {
        protected override void OnReceive(object message) => outbox.Flush((IActorRef)message, worker, replyKey, maxPayload);
    }

    /// <summary>The name of the child that takes <see cref="CancelCall"/>s: the parent reaches it at the runner's path plus this.</summary>
    public const string StopperName = "stop";

    /// <summary>
    /// Runs <paramref name="call"/> if it is still this worker's (a call sent ahead is, unless the parent won its word on the
    /// board first), and answers for it. A stoppable call runs with a token the stop actor can cancel: inline in a worker
    /// process, whose parent kills it if it overstays its grace period; on a call thread on a node, which abandons it instead.
    /// </summary>
    private ResultItem Take(CallItem call, IActorRef proxy)
    {
        if (!call.Limits.Stoppable)
        {
            return board is not null && call.Slot >= 0 && !StampAndStart(board, call) ? Skipped(call) : Run(call, Running(call, proxy, null));
        }

        var control = new CallControl(call.Limits.Timeout > TimeSpan.Zero ? call.Limits.Timeout : null, call.Limits.Grace, CancellationToken.None);
        stoppable[call.Id] = control; // before the claim: a stop request that finds the call started finds its token
        try
        {
            if (!stoppedEarly.IsEmpty && WasStoppedEarly(call.Id))
            {
                return new ResultItem(call.Id, null, null, Stopped: StopReason.Canceled);
            }

            if (board is not null)
            {
                if (call.Slot >= 0 && !StampAndStart(board, call))
                {
                    return Skipped(call);
                }

                control.StartClock();
                return Run(call, Running(call, proxy, control));
            }

            return RunOnCallThread(call, Running(call, proxy, control));
        }
        finally
        {
            stoppable.TryRemove(call.Id, out _);
            control.Finished();
        }
    }

    /// <summary>
    /// Claims a call sent ahead on the board, stamping first when it starts: the parent counts a timeout from that moment,
    /// and reports the call's run time and wait from it (it learns of the start later, at the latest with the result).
    /// </summary>
    private static bool StampAndStart(ClaimBoard board, CallItem call)
    {
        board.StampStart(call.Slot, System.Diagnostics.Stopwatch.GetTimestamp());
        return board.TryStart(call.Slot, call.Id);
    }

    /// <summary>
    /// On a node: runs a stoppable call on a call thread, abandoned if it overstays its grace period (then it is answered
    /// as stopped). Its own method, so the closure is allocated for these calls only.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "A function that cannot be resolved fails its call, as in Run.")]
    private ResultItem RunOnCallThread(CallItem call, RunningCall running)
    {
        var control = running.Control!;
        Invocation invocation;
        try
        {
            invocation = InvocationFor(call); // here, not on the call thread, which an abandoned call may still hold
        }
        catch (Exception e)
        {
            return new ResultItem(call.Id, null, ErrorInfo.From(e)); // it may not, or cannot, run here
        }

        ResultItem? result = null;
        if (callThreads!.Run(() => result = Run(call, running, invocation), control))
        {
            return result!;
        }

        running.End(); // its thread is left to it; what it reports from now on is dropped

        callThreads.LogAbandoned(log, invocation.Method, control);
        return new ResultItem(call.Id, null, null, Stopped: control.Reason, Abandoned: true);
    }

    /// <summary>True if call <paramref name="id"/> was asked to stop before it started; forgets the requests for calls before it, which have ended.</summary>
    private bool WasStoppedEarly(long id)
    {
        foreach (var stale in stoppedEarly.Keys.Where(key => key < id))
        {
            stoppedEarly.TryRemove(stale, out _);
        }

        return stoppedEarly.TryRemove(id, out _);
    }

    /// <summary>Threads of this process's node workers abandoned to calls that did not stop (a worker process is killed instead).</summary>
    public static int NodeAbandonedThreads => NodeCallThreads.Abandoned;

    private static ResultItem Skipped(CallItem call) => new(call.Id, null, null, Skipped: true);

    private RunningCall Running(CallItem call, IActorRef proxy, CallControl? control) => new(call.Id, control, proxy, queueProgress, maxPayload, log);

    /// <summary>The function of <paramref name="call"/>, resolved once per function; throws if it may not run here.</summary>
    private Invocation InvocationFor(CallItem call)
    {
        if (!invocations.TryGetValue(call.Function, out var invocation))
        {
            allowList?.Check(call.Function);
            invocation = new Invocation(call.Function);
            invocations[call.Function] = invocation;
        }

        return invocation;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Whatever the call throws is its outcome.")]
    private ResultItem Run(CallItem call, RunningCall running, Invocation? resolved = null)
    {
        var control = running.Control;
        var run = default(RunSpan);
        try
        {
            var invocation = resolved ?? InvocationFor(call);
            run = RunSpan.Start(call.Trace, board is null ? "cluster" : "process", null, invocation.Method);
            byte[] bytes;
            using (CallContext.Enter(running))
            {
                bytes = call.IsChunk ? invocation.RunChunk(call.Arguments) : invocation.Run(call.Arguments, running.Token);
            }

            if (bytes.LongLength > maxPayload)
            {
                throw new PayloadException(
                    $"The result of this call serializes to {bytes.LongLength:N0} bytes, over actorpool.process-pool.max-payload-size ({maxPayload:N0} bytes). " +
                    "Raise that setting (and the remoting transport's maximum-frame-size above it), or return less data.");
            }

            run.Succeeded();
            return new ResultItem(call.Id, bytes, null);
        }
        catch (OperationCanceledException) when (control is { Reason: not StopReason.None })
        {
            run.Stopped(control.Reason);
            return new ResultItem(call.Id, null, null, Stopped: control.Reason); // it stopped as asked
        }
        catch (Exception e)
        {
            run.Failed(e);
            return new ResultItem(call.Id, null, ErrorInfo.From(e));
        }
        finally
        {
            running.End(); // before its answer is queued: a value reported later would follow it
        }
    }

    /// <summary>Cancels the token of a running call its parent asks to stop, on a thread of its own while the call runs.</summary>
    private sealed class Stopper(ConcurrentDictionary<long, CallControl> running, ConcurrentDictionary<long, byte> stoppedEarly, string secret) : UntypedActor
    {
        private const int MaxStoppedEarly = 4096;

        protected override void OnReceive(object message)
        {
            if (message is not CancelCall cancel || !SecretText.Matches(cancel.Secret, secret))
            {
                return;
            }

            // Noted first, then looked for: the runner registers a call first, then looks at the notes, so one of the two
            // always sees the other however they interleave. The bound only guards against a flood of stale requests.
            if (stoppedEarly.Count < MaxStoppedEarly)
            {
                stoppedEarly[cancel.Id] = 0;
            }

            if (running.TryGetValue(cancel.Id, out var control))
            {
                control.RequestStop(StopReason.Canceled);
            }
        }
    }
}
