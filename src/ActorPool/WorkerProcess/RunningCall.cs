using ActorPool.Calls;
using ActorPool.Wire;
using Akka.Actor;
using ActorPool.Logging;
using Microsoft.Extensions.Logging;

namespace ActorPool.WorkerProcess;

/// <summary>
/// A call a <see cref="CallRunner"/> runs, as <see cref="CallContext"/> sees it in a worker process or on a cluster node:
/// its token, and where its progress values go. A value is serialized as it is reported (so the call may change it
/// afterwards) and kept as the latest; the first one not yet sent queues the call on the <see cref="Outbox"/>, and the
/// value taken when it leaves is the latest then. Values reported once the call's answer is queued are dropped.
/// </summary>
/// <param name="id">The call's id, which its proxy knows it by.</param>
/// <param name="control">How the call may be stopped; null for a call nothing can stop.</param>
/// <param name="proxy">The actor that sent the call, which its progress and answer go to.</param>
/// <param name="queue">Queues this call's progress on the outbox, and sees that it leaves.</param>
/// <param name="maxPayload">The largest serialized value it sends; a larger one is dropped.</param>
/// <param name="log">Where a value that cannot be sent is reported.</param>
internal sealed class RunningCall(long id, CallControl? control, IActorRef proxy, Action<RunningCall> queue, long maxPayload, ILogger log) : ICallScope
{
    private byte[]? latest;
    private int warned;
    private volatile bool ended;

    public long Id => id;

    public CallControl? Control => control;

    public IActorRef Proxy => proxy;

    public CancellationToken Token => control?.Token ?? CancellationToken.None;

    // The call must not fail for its progress: a value that cannot travel is dropped, and said so once per call.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Serializing runs user code; whatever it throws drops only this value.")]
    public void ReportProgress(object? value, Type declared)
    {
        if (ended)
        {
            return;
        }

        byte[] bytes;
        try
        {
            bytes = Payload.Serialize(value, value?.GetType() ?? declared, "A progress value", maxPayload);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (Interlocked.Exchange(ref warned, 1) == 0)
            {
                WorkerLog.ProgressValueDropped(log, value?.GetType().Name ?? declared.Name, id, e.Message, maxPayload);
            }

            return;
        }

        if (Interlocked.Exchange(ref latest, bytes) is null)
        {
            queue(this); // no value of this call waits in the outbox: this one goes as the next that does
        }
    }

    /// <summary>For the outbox, as the call's turn comes: its latest value, or null if an earlier turn took it.</summary>
    public ResultItem? TakeProgress() =>
        Interlocked.Exchange(ref latest, null) is { } bytes ? new ResultItem(id, bytes, null, Progress: true) : null;

    /// <summary>The call's answer is about to be queued: from now on its progress is dropped.</summary>
    public void End() => ended = true;
}
