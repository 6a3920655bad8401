using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using ActorPool.Launching;
using System.Runtime.ExceptionServices;

namespace ActorPool.Wire;

/// <summary>
/// An exception as data: type name, message, stack trace and inner exceptions (all of an
/// <see cref="AggregateException"/>'s). Akka drops a reply whose exception type the receiver cannot load, so
/// exceptions cross the process boundary as this and are rebuilt.
/// </summary>
internal sealed record ErrorInfo(string TypeName, string Message, string? StackTrace, ErrorInfo[] Inner)
{
    /// <summary>Longest message or stack trace kept; the rest is cut.</summary>
    public const int MaxText = 16 * 1024;

    /// <summary>Deepest chain of inner exceptions kept, and read: the reader refuses a deeper one as malformed.</summary>
    public const int MaxDepth = 8;

    /// <summary>Most exceptions in one tree, the outermost included: an aggregate's further inner exceptions are left out.</summary>
    public const int MaxNodes = 32;

    // Bounds keep a failed call's reply far below any frame size, so the reply itself can never be dropped.
    public static ErrorInfo From(Exception e)
    {
        var budget = MaxNodes;
        return From(e, 0, ref budget);
    }

    private static ErrorInfo From(Exception e, int depth, ref int budget)
    {
        budget--;
        IReadOnlyList<Exception> inners = e is AggregateException aggregate ? aggregate.InnerExceptions
            : e.InnerException is { } single ? [single] : [];
        var kept = new List<ErrorInfo>();
        foreach (var inner in inners)
        {
            if (depth + 1 >= MaxDepth || budget <= 0)
            {
                break;
            }

            kept.Add(From(inner, depth + 1, ref budget));
        }

        var message = e is AggregateException ? OwnMessage(e.Message, inners) : e.Message;
        return new ErrorInfo(e.GetType().AssemblyQualifiedName ?? e.GetType().FullName ?? e.GetType().Name, Cut(message),
            e.StackTrace is { } stack ? Cut(stack) : null, [.. kept]);
    }

    /// <summary>Exceptions in this tree, this one included.</summary>
    public int Count => 1 + Inner.Sum(i => i.Count);

    /// <summary>Characters of text in this tree (type names, messages and stack traces).</summary>
    public long TextLength => TypeName.Length + Message.Length + (StackTrace?.Length ?? 0) + Inner.Sum(i => i.TextLength);

    private static string Cut(string text) => text.Length <= MaxText ? text : text[..MaxText] + " …(truncated)";

    /// <summary>
    /// An aggregate's message without the " (inner message)" parts <see cref="AggregateException.Message"/> appends,
    /// which the rebuilt aggregate appends again.
    /// </summary>
    private static string OwnMessage(string message, IReadOnlyList<Exception> inners)
    {
        var suffix = string.Concat(inners.Select(i => $" ({i.Message})"));
        return suffix.Length > 0 && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }

    /// <summary>The same exception type where it can be rebuilt, else a <see cref="RemoteWorkerException"/>; the worker's stack trace kept.</summary>
    public Exception ToException()
    {
        var inners = Inner.Select(i => i.ToException()).ToArray();
        var rebuilt = Rebuild(inners) ?? new RemoteWorkerException(ShortTypeName(), Message, inners.FirstOrDefault());
        if (!string.IsNullOrEmpty(StackTrace))
        {
            ExceptionDispatchInfo.SetRemoteStackTrace(rebuilt, StackTrace + Environment.NewLine + "--- End of stack trace from the worker process ---");
        }

        return rebuilt;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2057", Justification = TrimmingNotSupported.Justification)]
    private Exception? Rebuild(Exception[] inners)
    {
        var type = Type.GetType(TypeName, throwOnError: false);
        if (type is null || !typeof(Exception).IsAssignableFrom(type) || type.IsAbstract)
        {
            return null;
        }

        try
        {
            // An aggregate gets all its inner exceptions back.
            if (typeof(AggregateException).IsAssignableFrom(type) && type.GetConstructor([typeof(string), typeof(IEnumerable<Exception>)]) is { } withAll)
            {
                return (Exception)withAll.Invoke([Message, inners]);
            }

            // (string message, Exception inner) is the constructor whose first argument is always the message.
            if (type.GetConstructor([typeof(string), typeof(Exception)]) is { } withInner)
            {
                return (Exception)withInner.Invoke([Message, inners.FirstOrDefault()]);
            }

            if (inners.Length == 0 && type.GetConstructor([typeof(string)]) is { } plain)
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
