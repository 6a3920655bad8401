namespace ActorPool;

/// <summary>
/// <c>Submit</c> found the executor's queue full (<see cref="ExecutorPolicy.MaxQueuedCalls"/> calls accepted and not yet
/// started) under <see cref="QueueFullMode.Throw"/>. Nothing was submitted.
/// </summary>
/// <remarks>Beyond Python. An <see cref="InvalidOperationException"/>, as the executor's other refusals are.</remarks>
public class QueueFullException : InvalidOperationException
{
    /// <summary>Creates the exception with a default message.</summary>
    public QueueFullException()
        : base("The executor's queue is full (ExecutorPolicy.MaxQueuedCalls); the call was not submitted.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public QueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception behind it.</summary>
    public QueueFullException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a queue of at most <paramref name="maxQueuedCalls"/> calls.</summary>
    internal QueueFullException(int maxQueuedCalls)
        : base($"The executor's queue is full: {maxQueuedCalls} calls are queued (accepted and not yet started), " +
               $"its ExecutorPolicy.MaxQueuedCalls. Nothing was submitted. Submit again once calls have started (await " +
               $"WaitForRoomAsync, or use TrySubmit), raise the limit, or set ExecutorPolicy.WhenFull = QueueFullMode.Wait to wait for room.")
    {
        MaxQueuedCalls = maxQueuedCalls;
    }

    /// <summary>The limit the queue was at; 0 when the exception was made without one.</summary>
    public int MaxQueuedCalls { get; }
}
