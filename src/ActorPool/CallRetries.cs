using Polly;

namespace ActorPool;

/// <summary>
/// What a retry policy (<see cref="ExecutorPolicy.Retry"/>, <see cref="CallOptions.Retry"/>) needs from ActorPool: "the
/// worker died" as a case of its own for Polly's <c>ShouldHandle</c>, and the attempt count a retried call's final
/// exception carries.
/// </summary>
/// <remarks>Beyond Python.</remarks>
public static class CallRetries
{
    /// <summary>
    /// The <see cref="Exception.Data"/> key under which the final exception of a call submitted with a retry policy
    /// carries how many attempts the call made (an <see cref="int"/>, 1 for a call that failed on its first attempt).
    /// </summary>
    public const string AttemptsKey = "ActorPool.Attempts";

    /// <summary>
    /// True if <paramref name="exception"/> says the worker running the call died under it: a process pool's worker process
    /// that exited or was killed (for any reason, its memory limit included), a cluster pool's worker node that crashed,
    /// became unreachable or left, a thread pool's worker actor that failed. False for the errors that say the whole pool
    /// is unusable (a failed initializer, a stopped executor), for a <see cref="PoisonCallException"/>, and for anything
    /// the call threw itself.
    /// </summary>
    public static bool IsWorkerDeath(Exception exception) =>
        exception is BrokenExecutorException { IsPoolBroken: false } and not PoisonCallException;

    /// <summary>
    /// Makes the predicate also handle a worker's death (<see cref="IsWorkerDeath"/>), e.g.
    /// <c>ShouldHandle = new PredicateBuilder().Handle&lt;IOException&gt;().HandleWorkerDeath()</c>.
    /// </summary>
    public static PredicateBuilder<TResult> HandleWorkerDeath<TResult>(this PredicateBuilder<TResult> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Handle<BrokenExecutorException>(IsWorkerDeath);
    }

    /// <summary>The attempts a retried call made, from its final exception (see <see cref="AttemptsKey"/>); null for a call without a retry policy.</summary>
    public static int? AttemptsOf(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Data[AttemptsKey] as int?;
    }
}
