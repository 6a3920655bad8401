using ActorPool.Telemetry;

namespace ActorPool.Calls;

/// <summary>What a <see cref="RetriedCall"/> needs of its executor: to post an attempt, and to know whether retrying can help.</summary>
internal interface IRetryHost
{
    /// <summary>The executor's measurements, for <c>actorpool.calls.retried</c>.</summary>
    ExecutorMeter Meter { get; }

    /// <summary>True once the pool cannot run calls anymore (broken, or its router stopped): no retry would run.</summary>
    bool IsBroken { get; }

    /// <summary>
    /// Posts an attempt of <paramref name="call"/> with its own controls made from <paramref name="options"/>, as <c>Submit</c>
    /// posts a call; throws as <c>Submit</c> does. The first attempt registers the call with the executor, whose shutdown
    /// then waits for it (or cancels it); later ones are taken after a shutdown too.
    /// </summary>
    void PostAttempt(RetriedCall call, WorkItem attempt, CallOptions? options, bool first);

    /// <summary>The node a worker died on (a cluster pool's), for a <see cref="PoisonCallException"/>; else null.</summary>
    string? NodeOf(Exception death);

    /// <summary>The call's retrying is over (its future is settled, or will be without another attempt): the executor lets it go.</summary>
    void RetryEnded(RetriedCall call);
}
