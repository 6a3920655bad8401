using Akka.Actor;

namespace ActorPool.Routing;

// The router's messages besides WorkItem itself. Commands are imperative, events past tense.

/// <summary>A worker finished the oldest call it held and can take another.</summary>
internal sealed record WorkerIdle
{
    public static readonly WorkerIdle Instance = new();
}

/// <summary>Stop taking work, finish what is queued (or cancel it), then stop the workers and the router.</summary>
internal sealed record ShutdownPool(bool CancelFutures);

/// <summary>A worker's initializer threw: the pool is broken.</summary>
internal sealed record InitializerFailed(Exception Cause) : INoSerializationVerificationNeeded;

/// <summary>A worker actor threw from our own code (not the user's call) and is being restarted.</summary>
internal sealed record WorkerCrashed(IActorRef Worker, Exception Cause) : INoSerializationVerificationNeeded;
