namespace ActorPool.Remoting;

/// <summary>What every <see cref="WorkerProcessProxy"/> of one pool shares; <c>Prestarted</c> holds the processes the
/// executor started before its actor system was up, for the first proxies to take.</summary>
internal sealed record ProcessPoolOptions(
    WorkerLauncher Launcher,
    System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Process> Prestarted,
    string Secret,
    CallDescriptor? Initializer,
    int MaxTasksPerChild,
    long MaxPayloadSize,
    TimeSpan StartupTimeout,
    TimeSpan StopTimeout);
