namespace ActorPool.Wire;

/// <summary>
/// Gathers messages of one kind (calls, or answers) into batches no larger than a count and a byte size, handing each
/// full batch to <paramref name="send"/>: every item alone fits a frame, so a batch up to the payload limit does too.
/// </summary>
internal sealed class Batcher<T>(int maxCount, long maxBytes, Action<T[]> send)
{
    private readonly List<T> items = [];
    private long bytes;

    /// <summary>Adds <paramref name="item"/> of <paramref name="size"/> bytes, first sending what is gathered if it would not fit beside it.</summary>
    public void Add(T item, long size)
    {
        if (items.Count > 0 && (items.Count == maxCount || bytes + size > maxBytes))
        {
            Send();
        }

        items.Add(item);
        bytes += size;
    }

    /// <summary>Sends what is gathered, if anything.</summary>
    public void Send()
    {
        if (items.Count > 0)
        {
            send([.. items]);
            items.Clear();
            bytes = 0;
        }
    }
}
