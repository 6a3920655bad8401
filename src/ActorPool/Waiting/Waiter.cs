namespace ActorPool.Waiting;

/// <summary>
/// Something blocked in <see cref="Future.Wait"/> or <see cref="Future.AsCompleted(IEnumerable{Future}, TimeSpan?)"/>,
/// installed on each future it watches. A future calls <see cref="Add"/> once, under its own lock, when it
/// finishes or its cancellation is notified (or at once on install if that already happened); so the lock
/// order is always future, then waiter.
/// </summary>
internal abstract class Waiter
{
    public abstract void Add(Future future, bool failed);
}
