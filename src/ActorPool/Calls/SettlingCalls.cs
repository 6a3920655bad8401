namespace ActorPool.Calls;

/// <summary>
/// An executor's futures whose call has ended but that wait for their last progress value to be delivered before they
/// settle; its shutdown waits for them, so every future is done once <c>Shutdown(wait: true)</c> returns.
/// </summary>
internal sealed class SettlingCalls
{
    private readonly object gate = new();
    private int count;
    private TaskCompletionSource? none;

    public void Add()
    {
        lock (gate)
        {
            count++;
        }
    }

    public void Remove()
    {
        TaskCompletionSource? waiting;
        lock (gate)
        {
            if (--count > 0 || none is null)
            {
                return;
            }

            (waiting, none) = (none, null);
        }

        waiting.TrySetResult();
    }

    /// <summary>Completes once no future waits for its progress delivery.</summary>
    public Task WhenNone()
    {
        lock (gate)
        {
            return count == 0 ? Task.CompletedTask : (none ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }
}
