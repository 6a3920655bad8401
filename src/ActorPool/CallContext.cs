using ActorPool.Calls;

namespace ActorPool;

/// <summary>What a running call can learn about itself, on any executor (a thread, a worker process or a cluster node).</summary>
/// <remarks>Beyond Python.</remarks>
public static class CallContext
{
    private static readonly AsyncLocal<ICallScope?> Current = new();

    // A plain function on a thread worker (neither async nor given a token or a timeout) runs start to end on its thread:
    // its call is kept there, which costs a field write, where an async-local costs two allocations per call.
    [ThreadStatic]
    private static ICallScope? onThread;

    private static ICallScope? CurrentScope => onThread ?? Current.Value;

    /// <summary>
    /// The running call's token: canceled when the call is asked to stop (its <see cref="CallOptions.CancellationToken"/>
    /// or its <see cref="CallOptions.Timeout"/>). <see cref="System.Threading.CancellationToken.None"/> outside a call, and
    /// in a call submitted without a token or a timeout, which nothing can ask to stop.
    /// </summary>
    /// <remarks>It flows into the call's own <c>await</c> continuations, like any async-local value.</remarks>
    public static CancellationToken CancellationToken => CurrentScope?.Token ?? CancellationToken.None;

    /// <summary>
    /// Reports <paramref name="value"/> as the running call's progress, for the callbacks its submitter added with
    /// <see cref="Future{T}.AddProgressCallback{TProgress}(Action{TProgress})"/>. Never blocks on them and never throws for
    /// them; a no-op outside a call.
    /// </summary>
    /// <remarks>
    /// Values reach the callbacks in the order reported; under load intermediate values may be skipped (the latest wins), but
    /// the last value a call reports is delivered before its future is done. In this process the value itself is delivered
    /// (a later change to a mutable value shows); from a worker process or a cluster node it travels as a result does,
    /// serialized here as its runtime type. One that cannot be serialized, or is over the payload limit, is dropped and
    /// logged once per call: the call goes on. A value reported after the call has returned (by work it left running) is dropped.
    /// On a thread pool, a plain function (neither async nor taking a token) submitted without options has its call current
    /// on its worker thread only: a task it starts elsewhere reports nothing.
    /// Beyond Python.
    /// </remarks>
    /// <typeparam name="T">The value's type; a remote value is serialized as its runtime type, or as this when it is null.</typeparam>
    public static void ReportProgress<T>(T value) => CurrentScope?.ReportProgress(value, typeof(T));

    /// <summary>
    /// Makes <paramref name="scope"/> the current call for the code that runs until the returned scope is disposed: with
    /// <paramref name="flows"/>, for what that code starts too (its awaits, its tasks); without, on this thread only, for a
    /// call that runs here start to end.
    /// </summary>
    internal static Scope Enter(ICallScope scope, bool flows = true)
    {
        if (!flows)
        {
            var onThisThread = onThread;
            onThread = scope;
            return new Scope(onThisThread, flows: false);
        }

        var previous = Current.Value;
        Current.Value = scope;
        return new Scope(previous, flows: true);
    }

    /// <summary>Restores the call that was current before <see cref="Enter"/>.</summary>
    internal readonly struct Scope(ICallScope? previous, bool flows) : IDisposable
    {
        public void Dispose()
        {
            if (flows)
            {
                Current.Value = previous;
            }
            else
            {
                onThread = previous;
            }
        }
    }
}
