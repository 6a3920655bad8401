using Akka.Actor;

namespace ActorPool.Routing;

/// <summary>
/// One submitted call, as the parent keeps it: the future to settle and how to run the call. It is the
/// message the executor sends its router and the router hands to a worker in this process; it never
/// crosses a process boundary (a delegate and a future cannot), hence no serialization check.
/// </summary>
internal abstract class WorkItem : INoSerializationVerificationNeeded
{
    public abstract Future Future { get; }

    /// <summary>Runs the call on the current thread and settles the future with its outcome.</summary>
    public abstract void Run();

    /// <summary>Fails the future unless it is already settled (a worker may have settled it before failing).</summary>
    public void Fail(Exception error) => Future.TrySetException(error);
}

/// <summary>A <see cref="WorkItem"/> whose call returns a <typeparamref name="TResult"/>.</summary>
internal abstract class WorkItem<TResult> : WorkItem
{
    private readonly Future<TResult> future = new();

    public override Future Future => future;

    public Future<TResult> TypedFuture => future;

    protected abstract TResult Invoke();

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Whatever the call throws is its outcome.")]
    public sealed override void Run()
    {
        TResult value;
        try
        {
            value = Invoke();
        }
        catch (Exception e)
        {
            future.TrySetException(e);
            return;
        }

        future.TrySetResult(value);
    }
}
