using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using ActorPool.Launching;
using System.Runtime.CompilerServices;

namespace ActorPool.Wire;

/// <summary>
/// A function described by reference (declaring type, method token, generic arguments), so a worker process
/// that loaded the same assemblies can find it. Only static methods and lambdas that capture nothing can be
/// described: a captured value or a bound object cannot follow the call into another process.
/// </summary>
internal sealed record CallDescriptor(string DeclaringType, int MethodToken, string[] GenericArguments, bool OnLambdaSingleton)
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    // The C# compiler keeps the lambdas of a type that capture nothing as instance methods of a nested
    // class <>c, whose single instance sits in the static field <>9.
    private const string LambdaSingletonField = "<>9";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<MethodInfo, CallDescriptor> Known = new();

    /// <summary>Describes <paramref name="fn"/>, or throws an <see cref="ArgumentException"/> that says what stands in the way.</summary>
    public static CallDescriptor For(Delegate fn, string paramName)
    {
        // Only shippable functions are remembered, so a capturing lambda is refused every time it is seen.
        if (Known.TryGetValue(fn.Method, out var known) && (fn.Target is null) != known.OnLambdaSingleton)
        {
            return known;
        }

        var described = Describe(fn, paramName);
        Known.TryAdd(fn.Method, described);
        return described;
    }

    private static CallDescriptor Describe(Delegate fn, string paramName)
    {
        if (fn.HasSingleTarget is false)
        {
            throw new ArgumentException("A process pool cannot run a multicast delegate; submit each function on its own.", paramName);
        }

        var method = fn.Method;
        var declaring = method.DeclaringType ?? throw new ArgumentException(
            $"'{method.Name}' is a dynamic method, which a worker process cannot find; pass a static method.", paramName);
        if (declaring.Assembly.IsDynamic)
        {
            throw new ArgumentException($"'{declaring.Name}.{method.Name}' lives in a dynamic assembly, which a worker process cannot load.", paramName);
        }

        var onSingleton = false;
        if (fn.Target is { } target)
        {
            var targetType = target.GetType();
            if (!targetType.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false))
            {
                throw new ArgumentException(
                    $"'{targetType.Name}.{method.Name}' is an instance method bound to a {targetType.Name} object, which cannot be sent to a worker process. " +
                    "Pass a static method, or a lambda that captures nothing, and pass the data it needs as arguments.", paramName);
            }

            var captured = targetType.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
            if (captured.Length > 0)
            {
                var names = string.Join(", ", captured.Select(f => f.Name.Contains("__this", StringComparison.Ordinal) ? "'this' (the enclosing object)" : $"'{f.Name}'"));
                throw new ArgumentException(
                    $"The lambda passed to the process pool captures {names}; captured state cannot be sent to a worker process. " +
                    "Pass the values as Submit/Map arguments instead, and mark the lambda 'static' so the compiler checks it captures nothing.", paramName);
            }

            if (!ReferenceEquals(targetType.GetField(LambdaSingletonField, BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(null), target))
            {
                throw new ArgumentException($"The function's target ({targetType.Name}) is not the compiler's cached lambda instance; pass a static method.", paramName);
            }

            onSingleton = true;
        }

        var generics = method.IsGenericMethod ? method.GetGenericArguments().Select(TypeName).ToArray() : [];
        return new CallDescriptor(TypeName(declaring), method.MetadataToken, generics, onSingleton);
    }

    /// <summary>Finds the method (and the lambda singleton it runs on, if any) in this process.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2057", Justification = TrimmingNotSupported.Justification)]
    [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = TrimmingNotSupported.Justification)]
    public (MethodInfo Method, object? Target) Resolve()
    {
        var type = Type.GetType(DeclaringType, throwOnError: true)!;
        var method = type.GetMethods(Everything).FirstOrDefault(m => m.MetadataToken == MethodToken)
            ?? throw new MissingMethodException($"No method with token 0x{MethodToken:x8} on {type.FullName}: the worker loaded a different build of {type.Assembly.GetName().Name}.");
        if (GenericArguments.Length > 0)
        {
            method = method.MakeGenericMethod(GenericArguments.Select(n => Type.GetType(n, throwOnError: true)!).ToArray());
        }

        var target = OnLambdaSingleton
            ? type.GetField(LambdaSingletonField, BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!.GetValue(null)
            : null;
        return (method, target);
    }

    public bool Equals(CallDescriptor? other) =>
        other is not null && DeclaringType == other.DeclaringType && MethodToken == other.MethodToken
        && OnLambdaSingleton == other.OnLambdaSingleton && GenericArguments.AsSpan().SequenceEqual(other.GenericArguments);

    public override int GetHashCode() => HashCode.Combine(DeclaringType, MethodToken, GenericArguments.Length);

    private static string TypeName(Type type) =>
        type.AssemblyQualifiedName ?? throw new ArgumentException($"The type {type} has no assembly-qualified name, so a worker process cannot find it.");
}
