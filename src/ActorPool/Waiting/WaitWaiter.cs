namespace ActorPool.Waiting;

/// <summary>The waiter behind <see cref="Future.Wait"/>: wakes when its <see cref="ReturnWhen"/> is met.</summary>
internal sealed class WaitWaiter : Waiter, IDisposable
{
    private readonly ReturnWhen returnWhen;
    private readonly int total;
    private readonly HashSet<Future> finished = new(ReferenceEqualityComparer.Instance);
    private readonly ManualResetEventSlim satisfied;

    public WaitWaiter(ReturnWhen returnWhen, int total)
    {
        this.returnWhen = returnWhen;
        this.total = total;
        satisfied = new ManualResetEventSlim(total == 0);
    }

    public override void Add(Future future, bool failed)
    {
        lock (finished)
        {
            finished.Add(future);
            if (returnWhen == ReturnWhen.FirstCompleted
                || (returnWhen == ReturnWhen.FirstException && failed)
                || finished.Count == total)
            {
                satisfied.Set();
            }
        }
    }

    public void Wait(Deadline deadline)
    {
        while (!satisfied.Wait(deadline.Remaining) && !deadline.HasExpired)
        {
        }
    }

    public HashSet<Future> Finished()
    {
        lock (finished)
        {
            return new HashSet<Future>(finished, ReferenceEqualityComparer.Instance);
        }
    }

    public void Dispose() => satisfied.Dispose();
}
