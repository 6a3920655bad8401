namespace ActorPool;

/// <summary>What a running call can learn about itself, on any executor (a thread, a worker process or a cluster node).</summary>
/// <remarks>Beyond Python.</remarks>
public static class CallContext
{
    private static readonly AsyncLocal<CancellationToken> Current = new();

    /// <summary>
    /// The running call's token: canceled when the call is asked to stop (its <see cref="CallOptions.CancellationToken"/>
    /// or its <see cref="CallOptions.Timeout"/>). <see cref="System.Threading.CancellationToken.None"/> outside a call, and
    /// in a call submitted without a token or a timeout, which nothing can ask to stop.
    /// </summary>
    /// <remarks>It flows into the call's own <c>await</c> continuations, like any async-local value.</remarks>
    public static CancellationToken CancellationToken => Current.Value;

    /// <summary>Makes <paramref name="token"/> the current call's for the code that runs until the scope is disposed.</summary>
    internal static Scope Enter(CancellationToken token)
    {
        var previous = Current.Value;
        Current.Value = token;
        return new Scope(previous);
    }

    /// <summary>Restores the token that was current before <see cref="Enter"/>.</summary>
    internal readonly struct Scope(CancellationToken previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
