using System.Collections.Concurrent;
using System.Reflection;
using ActorPool.Calls;
using ActorPool.Logging;
using ActorPool.Security;
using ActorPool.Threads;
using ActorPool.Wire;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorPool.WorkerProcess;

/// <summary>
/// The actor in a worker process (or on a cluster worker node) that runs calls, one at a time, on its own pinned
/// thread: it runs the initializer, registers with its proxy in the parent, then answers each <see cref="CallItem"/>
/// with a <see cref="ResultItem"/>. A user exception is a result like any other; only the process dying ends a call otherwise.
/// A worker process gets its calls in <see cref="CallBatch"/>es, sent ahead of time: it starts each one only if it wins
/// the call's word on the <see cref="ClaimBoard"/> (else the parent canceled it or took it back), and its answers leave
/// through an outbox that a helper actor empties into <see cref="ResultBatch"/>es, so a quick call's answer never waits
/// for the next call to finish, and answers that are ready together travel together.
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
    /// <summary>Answers per message at most: a batch stays far below the frame size, whatever the prefetch.</summary>
    private const int MaxResultsPerBatch = 256;

    private readonly Dictionary<CallDescriptor, Invocation> invocations = new();
    private readonly Outbox outbox = new();
    // The stoppable calls (those with a token or a timeout) running here, by id, for the stop actor to cancel.
    private readonly ConcurrentDictionary<long, CallControl> running = new();
    // Calls asked to stop before they started here (a node's calls wait in this actor's mailbox, already running for the
    // executor): they end canceled without running. Ids below the next call's are dropped then, so this never grows.
    private readonly ConcurrentDictionary<long, byte> stoppedEarly = new();
    // On a cluster node, where nothing can kill a call that will not stop: the threads such calls run on, to abandon it.
    private readonly CallThreads? callThreads = board is null ? NodeCallThreads : null;

    /// <summary>The call threads of every node worker in this process (shared, so one count covers them all).</summary>
    private static readonly CallThreads NodeCallThreads = new("actorpool-node-call", 0, static () => { });
    private IActorRef flusher = ActorRefs.Nobody;
    private bool refused;
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
        // Its own actor, on another thread, so a stop request overtakes the calls queued here behind the running one.
        Context.ActorOf(Akka.Actor.Props.Create(() => new Stopper(running, stoppedEarly, secret)), StopperName);
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
            case CallItem call when IsOurs(call.Secret):
                Sender.Tell(new ResultBatch(replyKey, [Take(call)]), Self);
                break;
            case CallBatch batch when IsOurs(batch.Secret):
                for (var i = 0; i < batch.Calls.Length; i++)
                {
                    Post(Sender, Take(batch.Calls[i]), last: i == batch.Calls.Length - 1);
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

    /// <summary>
    /// Queues an answer, and sees that it leaves: through the <see cref="Flusher"/> while more calls of the batch follow,
    /// else from this thread, which has nothing else to do, unless a flush is already on its way.
    /// </summary>
    private void Post(IActorRef proxy, ResultItem result, bool last)
    {
        outbox.Results.Enqueue(result);
        if (Interlocked.Exchange(ref outbox.FlushScheduled, 1) == 0)
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

    /// <summary>An answer's size on the wire, at most: its value, or its error's text (up to 3 bytes a character), plus framing.</summary>
    private static long Size(ResultItem result)
    {
        long size = 64 + (result.Value?.LongLength ?? 0);
        return result.Error is { } error ? size + 3L * error.TextLength + 20L * error.Count : size;
    }

    /// <summary>Answers ready to go, and whether the <see cref="Flusher"/> has been told to send them.</summary>
    private sealed class Outbox
    {
        public readonly ConcurrentQueue<ResultItem> Results = new();
        public int FlushScheduled;

        /// <summary>Sends what is queued, in batches; called by whoever set <see cref="FlushScheduled"/>.</summary>
        public void Flush(IActorRef proxy, IActorRef worker, string replyKey, long maxPayload)
        {
            Volatile.Write(ref FlushScheduled, 0); // first: an answer queued from now on schedules another flush
            var batch = new Batcher<ResultItem>(MaxResultsPerBatch, maxPayload, results => proxy.Tell(new ResultBatch(replyKey, results), worker));
            while (Results.TryDequeue(out var result))
            {
                batch.Add(result, Size(result));
            }

            batch.Send();
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
    private ResultItem Take(CallItem call)
    {
        if (!call.Limits.Stoppable)
        {
            return board is not null && call.Slot >= 0 && !board.TryStart(call.Slot, call.Id) ? Skipped(call) : Run(call, null);
        }

        var control = new CallControl(call.Limits.Timeout > TimeSpan.Zero ? call.Limits.Timeout : null, call.Limits.Grace, CancellationToken.None);
        running[call.Id] = control; // before the claim: a stop request that finds the call started finds its token
        try
        {
            if (!stoppedEarly.IsEmpty && WasStoppedEarly(call.Id))
            {
                return new ResultItem(call.Id, null, null, Stopped: StopReason.Canceled);
            }

            if (board is not null)
            {
                if (control.Timeout is not null)
                {
                    board.StampStart(call.Slot, System.Diagnostics.Stopwatch.GetTimestamp()); // the parent's clock for the timeout
                }

                if (call.Slot >= 0 && !board.TryStart(call.Slot, call.Id))
                {
                    return Skipped(call);
                }

                control.StartClock();
                using (CallContext.Enter(control.Token))
                {
                    return Run(call, control);
                }
            }

            return RunOnCallThread(call, control);
        }
        finally
        {
            running.TryRemove(call.Id, out _);
            control.Finished();
        }
    }

    /// <summary>
    /// On a node: runs a stoppable call on a call thread, abandoned if it overstays its grace period (then it is answered
    /// as stopped). Its own method, so the closure is allocated for these calls only.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "A function that cannot be resolved fails its call, as in Run.")]
    private ResultItem RunOnCallThread(CallItem call, CallControl control)
    {
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
        if (callThreads!.Run(() => result = Run(call, control, invocation), control))
        {
            return result!;
        }

        callThreads.LogAbandoned(log, invocation.Method, control);
        return new ResultItem(call.Id, null, null, Stopped: control.Reason);
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
    private ResultItem Run(CallItem call, CallControl? control, Invocation? resolved = null)
    {
        try
        {
            var invocation = resolved ?? InvocationFor(call);
            var bytes = call.IsChunk ? invocation.RunChunk(call.Arguments) : invocation.Run(call.Arguments, control?.Token ?? CancellationToken.None);
            if (bytes.LongLength > maxPayload)
            {
                throw new PayloadException(
                    $"The result of this call serializes to {bytes.LongLength:N0} bytes, over actorpool.process-pool.max-payload-size ({maxPayload:N0} bytes). " +
                    "Raise that setting (and the remoting transport's maximum-frame-size above it), or return less data.");
            }

            return new ResultItem(call.Id, bytes, null);
        }
        catch (OperationCanceledException) when (control is { Reason: not StopReason.None })
        {
            return new ResultItem(call.Id, null, null, Stopped: control.Reason); // it stopped as asked
        }
        catch (Exception e)
        {
            return new ResultItem(call.Id, null, ErrorInfo.From(e));
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
