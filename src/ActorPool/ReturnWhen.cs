namespace ActorPool;

/// <summary>When <see cref="Future.Wait"/> returns.</summary>
/// <remarks>Python's <c>FIRST_COMPLETED</c>, <c>FIRST_EXCEPTION</c> and <c>ALL_COMPLETED</c>.</remarks>
public enum ReturnWhen
{
    /// <summary>As soon as any future finishes or is canceled.</summary>
    FirstCompleted,

    /// <summary>As soon as any future finishes with an exception; if none does, when all are done.</summary>
    FirstException,

    /// <summary>When every future is done.</summary>
    AllCompleted,
}
