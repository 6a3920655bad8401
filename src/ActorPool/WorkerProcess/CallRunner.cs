using System.Collections.Concurrent;
using System.Reflection;
using ActorPool.Security;
using ActorPool.Wire;
using Akka.Actor;

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
    private IActorRef flusher = ActorRefs.Nobody;
    private bool refused;

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
        // A reference, not a selection: the systems refuse inbound actor selections (untrusted mode), so nothing can
        // reach an actor here by naming its path.
        var parent = ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(parentPath);
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
            Console.Error.WriteLine($"Exception in initializer of worker process {Environment.ProcessId}: {e}");
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
                Sender.Tell(new ResultBatch(replyKey, [Run(call)]), Self);
                break;
            case CallBatch batch when IsOurs(batch.Secret):
                for (var i = 0; i < batch.Calls.Length; i++)
                {
                    var call = batch.Calls[i];
                    Post(Sender, board is not null && call.Slot >= 0 && !board.TryStart(call.Slot, call.Id)
                        ? new ResultItem(call.Id, null, null, Skipped: true)
                        : Run(call), last: i == batch.Calls.Length - 1);
                }

                break;
            case CallItem or CallBatch:
                Console.Error.WriteLine($"Worker process {Environment.ProcessId} ignored a call without its pool's secret.");
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

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Whatever the call throws is its outcome.")]
    private ResultItem Run(CallItem call)
    {
        try
        {
            if (!invocations.TryGetValue(call.Function, out var invocation))
            {
                allowList?.Check(call.Function);
                invocation = new Invocation(call.Function);
                invocations[call.Function] = invocation;
            }

            var bytes = call.IsChunk ? invocation.RunChunk(call.Arguments) : invocation.Run(call.Arguments);
            if (bytes.LongLength > maxPayload)
            {
                throw new PayloadException(
                    $"The result of this call serializes to {bytes.LongLength:N0} bytes, over actorpool.process-pool.max-payload-size ({maxPayload:N0} bytes). " +
                    "Raise that setting (and the remoting transport's maximum-frame-size above it), or return less data.");
            }

            return new ResultItem(call.Id, bytes, null);
        }
        catch (Exception e)
        {
            return new ResultItem(call.Id, null, ErrorInfo.From(e));
        }
    }
}
