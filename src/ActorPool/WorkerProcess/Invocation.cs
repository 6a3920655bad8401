using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using ActorPool.Launching;
using ActorPool.Wire;

namespace ActorPool.WorkerProcess;

/// <summary>
/// A function resolved in a worker: reads a call's payloads as its parameter types, runs it, and serializes what it
/// returns. A function whose last parameter is a <see cref="CancellationToken"/> gets the call's token there (no payload
/// travels for it); one that returns a task is awaited, and its result is the call's. A <c>Map</c> chunk runs through a
/// delegate of the method's exact types, made once, so its items are neither boxed nor passed through reflection one by one.
/// </summary>
internal sealed class Invocation
{
    private readonly MethodInfo method;

    /// <summary>The method it runs.</summary>
    public MethodInfo Method => method;
    private readonly object? target;
    private readonly Type[] parameters;
    private readonly Type resultType;
    private readonly bool takesToken;
    private readonly bool awaits;
    private readonly PropertyInfo? taskResult;
    private IChunkRunner? chunkRunner;

    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = TrimmingNotSupported.Justification)]
    public Invocation(CallDescriptor descriptor)
    {
        (method, target) = descriptor.Resolve();
        var all = method.GetParameters().Select(p => p.ParameterType).ToArray();
        takesToken = TakesToken(method);
        parameters = takesToken ? all[..^1] : all;
        var returns = method.ReturnType;
        awaits = typeof(Task).IsAssignableFrom(returns);
        taskResult = awaits && returns.IsGenericType ? returns.GetProperty(nameof(Task<int>.Result)) : null;
        resultType = taskResult?.PropertyType ?? (returns == typeof(void) || awaits ? typeof(object) : returns);
    }

    /// <summary>True if <paramref name="method"/> takes the call's token as its last parameter, which no payload fills.</summary>
    public static bool TakesToken(MethodInfo method)
    {
        var parameters = method.GetParameters();
        return parameters.Length > 0 && parameters[^1].ParameterType == typeof(CancellationToken);
    }

    /// <summary>Runs one call: one payload per parameter but the token, which is <paramref name="token"/>.</summary>
    public byte[] Run(byte[][] payloads, CancellationToken token)
    {
        CheckCount(payloads);
        var arguments = new object?[payloads.Length + (takesToken ? 1 : 0)];
        for (var i = 0; i < payloads.Length; i++)
        {
            arguments[i] = Payload.Deserialize(payloads[i], parameters[i], ArgumentName(i));
        }

        if (takesToken)
        {
            arguments[^1] = token;
        }

        var result = method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, arguments, null);
        if (awaits)
        {
            // Blocking this worker's thread is the point: a worker runs one call at a time. The task's continuations run
            // on the .NET thread pool, never on an actor's thread (nothing here has a synchronization context).
            var task = result as Task ?? throw new InvalidOperationException($"{method.Name} returned a null Task instead of a task to await.");
            task.GetAwaiter().GetResult();
            result = taskResult?.GetValue(task);
        }

        return Payload.Serialize(result, resultType, "The result");
    }

    /// <summary>Runs a chunk: one payload per parameter, each a JSON array of that parameter's values; the first item that throws fails the chunk.</summary>
    public byte[] RunChunk(byte[][] payloads)
    {
        CheckCount(payloads);
        chunkRunner ??= NewChunkRunner();
        return chunkRunner.Run(payloads);
    }

    private void CheckCount(byte[][] payloads)
    {
        if (payloads.Length != parameters.Length)
        {
            throw new TargetParameterCountException($"{method.Name} takes {parameters.Length} argument(s); the call carried {payloads.Length}.");
        }
    }

    private string ArgumentName(int index) => $"Argument {index + 1} of {method.Name}";

    private IChunkRunner NewChunkRunner()
    {
        var (runner, function) = parameters.Length switch
        {
            1 => (typeof(ChunkRunner<,>).MakeGenericType(parameters[0], resultType), typeof(Func<,>).MakeGenericType(parameters[0], resultType)),
            2 => (typeof(ChunkRunner<,,>).MakeGenericType(parameters[0], parameters[1], resultType),
                  typeof(Func<,,>).MakeGenericType(parameters[0], parameters[1], resultType)),
            _ => throw new NotSupportedException($"Map runs functions of one or two parameters; {method.Name} takes {parameters.Length}."),
        };
        return (IChunkRunner)Activator.CreateInstance(runner, method.CreateDelegate(function, target), this)!;
    }

    private interface IChunkRunner
    {
        byte[] Run(byte[][] payloads);
    }

    private sealed class ChunkRunner<T1, TResult>(Func<T1, TResult> fn, Invocation of) : IChunkRunner
    {
        public byte[] Run(byte[][] payloads)
        {
            var items = (T1[])Payload.Deserialize(payloads[0], typeof(T1[]), of.ArgumentName(0))!;
            var results = new TResult[items.Length];
            for (var i = 0; i < items.Length; i++)
            {
                results[i] = fn(items[i]);
            }

            return Payload.Serialize(results, typeof(TResult[]), "The results of this chunk");
        }
    }

    private sealed class ChunkRunner<T1, T2, TResult>(Func<T1, T2, TResult> fn, Invocation of) : IChunkRunner
    {
        public byte[] Run(byte[][] payloads)
        {
            var first = (T1[])Payload.Deserialize(payloads[0], typeof(T1[]), of.ArgumentName(0))!;
            var second = (T2[])Payload.Deserialize(payloads[1], typeof(T2[]), of.ArgumentName(1))!;
            var results = new TResult[Math.Min(first.Length, second.Length)];
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = fn(first[i], second[i]);
            }

            return Payload.Serialize(results, typeof(TResult[]), "The results of this chunk");
        }
    }
}
