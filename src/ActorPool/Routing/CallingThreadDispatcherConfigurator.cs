using Akka.Configuration;
using Akka.Dispatch;

namespace ActorPool.Routing;

/// <summary>
/// The router's dispatcher (and a process pool's proxies' and remoting's): a message is processed on the thread
/// that sends it (a submitting caller, a worker thread reporting it is idle, a socket's reading thread) unless
/// another thread is already running that actor, in which case that thread picks it up. The router and remoting
/// never block, and a proxy only while it starts or stops a worker process (a pool's start, shutdown, a worker's
/// death or retirement), so this costs the sender microseconds, and it saves a thread wake-up on every hop: a worker that
/// reports idle usually hands itself the next call at once. A turn scheduled from within a turn runs after it
/// on the same thread (<see cref="CallingThread"/>), so the stack never grows with the load.
/// </summary>
internal sealed class CallingThreadDispatcherConfigurator : MessageDispatcherConfigurator
{
    private readonly MessageDispatcher dispatcher;

    /// <summary>Created by Akka from the dispatcher's HOCON section (<c>type = "ActorPool.Routing.CallingThreadDispatcherConfigurator, ActorPool"</c>).</summary>
    public CallingThreadDispatcherConfigurator(Config config, IDispatcherPrerequisites prerequisites)
        : base(config, prerequisites)
    {
        ArgumentNullException.ThrowIfNull(config);
        dispatcher = new Dispatcher(this, config.GetString("id"), config.GetInt("throughput"), null,
            new Factory(), config.GetTimeSpan("shutdown-timeout"));
    }

    /// <inheritdoc />
    public override MessageDispatcher Dispatcher() => dispatcher;

    private sealed class Factory : ExecutorServiceFactory
    {
        public override ExecutorService Produce(string id) => new CallingThreadExecutor(id);
    }

    private sealed class CallingThreadExecutor(string id) : ExecutorService(id)
    {
        public override void Execute(IRunnable run) => CallingThread.Run(run);

        public override void Shutdown()
        {
        }
    }
}
