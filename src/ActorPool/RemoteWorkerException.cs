namespace ActorPool;

/// <summary>
/// An exception thrown by a call in a worker process whose type could not be rebuilt in this process (it is
/// not loaded here, or has no (string, Exception) constructor). <see cref="RemoteTypeName"/> names the original
/// type; the worker's stack trace is kept in <see cref="Exception.StackTrace"/> and <see cref="Exception.ToString"/>.
/// </summary>
/// <remarks>CPython re-raises the same type with a <c>_RemoteTraceback</c> cause; this is the fallback when it cannot.</remarks>
public sealed class RemoteWorkerException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public RemoteWorkerException()
        : base("A call failed in a worker process.")
    {
        RemoteTypeName = "";
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public RemoteWorkerException(string message)
        : base(message)
    {
        RemoteTypeName = "";
    }

    /// <summary>Creates the exception with <paramref name="message"/> and an inner exception.</summary>
    public RemoteWorkerException(string message, Exception? innerException)
        : base(message, innerException)
    {
        RemoteTypeName = "";
    }

    /// <summary>Creates the exception for a worker's exception of type <paramref name="remoteTypeName"/>.</summary>
    public RemoteWorkerException(string remoteTypeName, string message, Exception? innerException)
        : base($"{remoteTypeName}: {message}", innerException)
    {
        RemoteTypeName = remoteTypeName;
    }

    /// <summary>The full name of the exception type the call threw in the worker process.</summary>
    public string RemoteTypeName { get; }
}
