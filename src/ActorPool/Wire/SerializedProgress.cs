namespace ActorPool.Wire;

/// <summary>
/// A progress value that came from a worker process or a cluster node, as it travelled: read as each callback's type
/// when a drain delivers it (values coalesced away are never read), once per type in a row. Only its future's drain
/// reads it, one callback at a time, so it needs no lock.
/// </summary>
internal sealed class SerializedProgress(byte[] bytes)
{
    private Type? lastType;
    private object? last;

    /// <summary>The value as <paramref name="type"/>; a <see cref="PayloadException"/> if it cannot be read as one.</summary>
    public object? ReadAs(Type type)
    {
        if (type != lastType)
        {
            last = Payload.Deserialize(bytes, type, "A progress value");
            lastType = type;
        }

        return last;
    }
}
