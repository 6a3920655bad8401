using ActorPool.Calls;
using Akka.Actor;

namespace ActorPool.Routing;

// The router's messages besides WorkItem itself. Commands are imperative, events past tense.

/// <summary>
/// A worker is done with <paramref name="Done"/> (finished, failed, or dropped canceled) and can take another; with
/// none, it has just become ready. Naming the call lets the router drop exactly it from what the worker holds,
/// however the worker's calls finish out of order.
/// </summary>
internal sealed record WorkerIdle(WorkItem? Done) : INoSerializationVerificationNeeded
{
    public static readonly WorkerIdle Ready = new((WorkItem?)null);
}

/// <summary>From <c>Submit</c>: calls wait in the <see cref="CallInbox"/> and the router, which was waiting for some, should take them.</summary>
internal sealed record CallsPosted : INoSerializationVerificationNeeded, Akka.Event.IDeadLetterSuppression
{
    public static readonly CallsPosted Instance = new();
}

/// <summary>
/// Several calls handed to a worker that takes them in one message (a thread worker). They stay pending: the worker
/// claims each one as it starts it, and skips one the router took back meanwhile by setting its entry to null; it then
/// sends the same batch back as <see cref="BatchDone"/>, so the router drops exactly the calls it ran.
/// </summary>
internal sealed record WorkBatch(WorkItem?[] Items) : INoSerializationVerificationNeeded;

/// <summary>A worker is done with every call of <paramref name="Batch"/> still in it, and can take more.</summary>
internal sealed record BatchDone(WorkBatch Batch) : INoSerializationVerificationNeeded;

/// <summary>Stop taking work, finish what is queued (or cancel it), then stop the workers and the router.</summary>
internal sealed record ShutdownPool(bool CancelFutures);

/// <summary>A worker's initializer threw: the pool is broken.</summary>
internal sealed record InitializerFailed(Exception Cause) : INoSerializationVerificationNeeded;

/// <summary>A worker actor threw from our own code (not the user's call) and is being restarted.</summary>
internal sealed record WorkerCrashed(IActorRef Worker, Exception Cause) : INoSerializationVerificationNeeded;

/// <summary>Take this actor, started elsewhere, as one more worker (a pool whose workers come and go, like a cluster's).</summary>
internal sealed record AddWorker(IActorRef Worker) : INoSerializationVerificationNeeded;

/// <summary>From a worker: give me nothing new; I finish what I hold, then stop.</summary>
internal sealed record WorkerDraining
{
    public static readonly WorkerDraining Instance = new();
}

/// <summary>
/// The router to itself: a call went to one worker while another sat idle; if the first has still not started it a
/// moment later (it is frozen, or starved of CPU), the idle one takes it back.
/// </summary>
internal sealed record StalledCheck
{
    public static readonly StalledCheck Instance = new();
}

/// <summary>The router to itself: a shutdown has waited <see cref="WorkerPoolSpec.WorkerlessShutdownGrace"/> for a worker to run its queued calls.</summary>
internal sealed record NoWorkersAtShutdown
{
    public static readonly NoWorkersAtShutdown Instance = new();
}

/// <summary>The router's answer to <see cref="WorkerDraining"/>: every call it will ever send that worker is already on its way.</summary>
internal sealed record DrainAcknowledged
{
    public static readonly DrainAcknowledged Instance = new();
}

/// <summary>
/// To every worker of a process pool, from <see cref="ProcessPoolExecutor.TerminateWorkers"/> or
/// <see cref="ProcessPoolExecutor.KillWorkers"/>: SIGTERM (or SIGKILL) its process now.
/// </summary>
internal sealed record SignalWorkers(bool Kill);
