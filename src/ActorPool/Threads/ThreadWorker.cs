using ActorPool.Calls;
using ActorPool.Routing;
using ActorPool.Telemetry;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorPool.Threads;

/// <summary>
/// A worker actor of a <see cref="ThreadPoolExecutor"/>: runs each call it is handed on its dispatcher's
/// dedicated thread, settles the future there (so callbacks run on a worker thread, as in CPython), and
/// tells the router it has room for the next one. It takes calls one by one or in batches, and marks each call running
/// itself, as it starts it, so a call sent ahead (actorpool.thread-pool.prefetch) stays cancelable until then.
/// </summary>
internal sealed class ThreadWorker(WorkerPoolSpec spec, CallThreads callThreads, ILogger log) : UntypedActor
{

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case WorkBatch batch:
                var items = batch.Items;
                for (var i = 0; i < items.Length; i++)
                {
                    if (!Handle(items[i]!))
                    {
                        items[i] = null; // not this worker's any more: the router must not count it as done here
                    }
                }

                Context.Parent.Tell(new BatchDone(batch), Self);
                break;
            case WorkItem item:
                if (Handle(item))
                {
                    Context.Parent.Tell(new WorkerIdle(item), Self);
                }

                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>Runs <paramref name="item"/> if it is still this worker's and pending; false if the router took it back.</summary>
    private bool Handle(WorkItem item)
    {
        // The router sends calls ahead but leaves them pending: this worker starts one only if it is still its own.
        switch (item.TryStart(Self))
        {
            case HandOver.TakenBack:
                return false; // another worker runs it; the router already counted this one's room free
            case HandOver.NotPending:
                break; // canceled (and notified) while it waited here: its room is free
            case HandOver.Accepted when item.Control is { } control:
                RunStoppable(item, control);
                break;
            case HandOver.Accepted:
                RunHere(item, spec);
                break;
        }

        return true;
    }

    /// <summary>A call that may have to be abandoned runs on a thread of its own, watched from this one (its own method: the closure is allocated only here).</summary>
    private void RunStoppable(WorkItem item, CallControl control)
    {
        if (!callThreads.Run(() => RunHere(item, spec), control))
        {
            item.Future.Meter?.WorkerRestarted(WorkerRestartReason.Stopped); // a fresh thread keeps MaxWorkers calls running
            item.SettleStopped();
            callThreads.LogAbandoned(log, item.Function.Method, control);
        }
    }

    /// <summary>Runs a call on the current thread, unless the initializer failed on it.</summary>
    private static void RunHere(WorkItem item, WorkerPoolSpec spec)
    {
        if (NamedThreadPool.CurrentInitializerError is { } initializerError)
        {
            item.Fail(spec.Broken(initializerError));
        }
        else
        {
            item.Run();
        }
    }
}
