using Akka.Configuration;
using Akka.Dispatch;

namespace ActorPool.Threads;

/// <summary>A dispatcher whose executor is a given <see cref="NamedThreadPool"/>, registered per executor at run time.</summary>
internal sealed class NamedThreadDispatcherConfigurator : MessageDispatcherConfigurator
{
    private readonly MessageDispatcher dispatcher;

    public NamedThreadDispatcherConfigurator(Config config, IDispatcherPrerequisites prerequisites, NamedThreadPool threads)
        : base(config, prerequisites)
    {
        dispatcher = new Dispatcher(this, config.GetString("id"), config.GetInt("throughput"), null,
            new Factory(threads), config.GetTimeSpan("shutdown-timeout"));
    }

    public override MessageDispatcher Dispatcher() => dispatcher;

    private sealed class Factory(NamedThreadPool threads) : ExecutorServiceFactory
    {
        public override ExecutorService Produce(string id) => threads;
    }
}
