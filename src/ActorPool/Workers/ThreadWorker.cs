using ActorPool.Routing;
using Akka.Actor;

namespace ActorPool.Workers;

/// <summary>
/// A worker actor of a <see cref="ThreadPoolExecutor"/>: runs each call it is handed on its dispatcher's
/// dedicated thread, settles the future there (so callbacks run on a worker thread, as in CPython), and
/// tells the router it has room for the next one.
/// </summary>
internal sealed class ThreadWorker(WorkerPoolSpec spec) : UntypedActor
{
    protected override void OnReceive(object message)
    {
        if (message is not WorkItem item)
        {
            Unhandled(message);
            return;
        }

        if (NamedThreadPool.CurrentInitializerError is { } initializerError)
        {
            item.Fail(spec.Broken(initializerError));
        }
        else
        {
            item.Run();
        }

        Context.Parent.Tell(WorkerIdle.Instance, Self);
    }
}
