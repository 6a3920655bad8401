namespace ActorPool.Cluster.Coordinator;

/// <summary>How many node workers an executor has right now, shared between its membership actor and the executor object.</summary>
internal sealed class ClusterView
{
    private readonly object gate = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> waiters = [];
    private int workers;

    public int Workers => Volatile.Read(ref workers);

    public void Set(int count)
    {
        lock (gate)
        {
            workers = count;
            waiters.RemoveAll(w => w.Count <= count && w.Reached.TrySetResult());
        }
    }

    public Task WhenAtLeast(int count)
    {
        lock (gate)
        {
            if (workers >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((count, reached));
            return reached.Task;
        }
    }
}
