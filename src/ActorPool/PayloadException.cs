namespace ActorPool;

/// <summary>
/// An argument or result of a process pool call could not travel between processes: it cannot be serialized,
/// or it is larger than <c>actorpool.process-pool.max-payload-size</c>. Only that call's future fails; the pool goes on.
/// </summary>
/// <remarks>CPython's counterpart is the pickling error a process pool future fails with.</remarks>
public sealed class PayloadException : InvalidOperationException
{
    /// <summary>Creates the exception with a default message.</summary>
    public PayloadException()
        : base("A value could not travel between processes.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public PayloadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the serializer's exception.</summary>
    public PayloadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
