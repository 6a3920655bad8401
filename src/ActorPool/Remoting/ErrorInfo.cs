using System.Reflection;
using System.Runtime.ExceptionServices;

namespace ActorPool.Remoting;

/// <summary>
/// An exception as data: type name, message, stack trace and inner exception. Akka drops a reply whose
/// exception type the receiver cannot load, so exceptions cross the process boundary as this and are rebuilt.
/// </summary>
internal sealed record ErrorInfo(string TypeName, string Message, string? StackTrace, ErrorInfo? Inner)
{
    // Bounds keep a failed call's reply far below any frame size, so the reply itself can never be dropped.
    private const int MaxText = 16 * 1024;
    private const int MaxDepth = 8;

    public static ErrorInfo From(Exception e, int depth = 0) =>
        new(e.GetType().AssemblyQualifiedName ?? e.GetType().FullName ?? e.GetType().Name, Cut(e.Message), e.StackTrace is { } stack ? Cut(stack) : null,
            e.InnerException is { } inner && depth < MaxDepth ? From(inner, depth + 1) : null);

    private static string Cut(string text) => text.Length <= MaxText ? text : text[..MaxText] + " …(truncated)";

    /// <summary>The same exception type where it can be rebuilt, else a <see cref="RemoteWorkerException"/>; the worker's stack trace kept.</summary>
    public Exception ToException()
    {
        var inner = Inner?.ToException();
        var rebuilt = Rebuild(inner) ?? new RemoteWorkerException(ShortTypeName(), Message, inner);
        if (!string.IsNullOrEmpty(StackTrace))
        {
            ExceptionDispatchInfo.SetRemoteStackTrace(rebuilt, StackTrace + Environment.NewLine + "--- End of stack trace from the worker process ---");
        }

        return rebuilt;
    }

    private Exception? Rebuild(Exception? inner)
    {
        var type = Type.GetType(TypeName, throwOnError: false);
        if (type is null || !typeof(Exception).IsAssignableFrom(type) || type.IsAbstract)
        {
            return null;
        }

        try
        {
            // (string message, Exception inner) is the constructor whose first argument is always the message.
            if (type.GetConstructor([typeof(string), typeof(Exception)]) is { } withInner)
            {
                return (Exception)withInner.Invoke([Message, inner]);
            }

            if (inner is null && type.GetConstructor([typeof(string)]) is { } plain)
            {
                return (Exception)plain.Invoke([Message]);
            }
        }
        catch (TargetInvocationException)
        {
            // A constructor that validates its message differently; fall back to the wrapper.
        }

        return null;
    }

    private string ShortTypeName() => TypeName.Split(',')[0];
}
