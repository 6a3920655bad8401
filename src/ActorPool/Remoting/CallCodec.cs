using ActorPool.Routing;

namespace ActorPool.Remoting;

/// <summary>Turns a <see cref="WorkItem"/> into the <see cref="CallItem"/> a remote worker runs, and its <see cref="ResultItem"/> back into the future's outcome.</summary>
internal static class CallCodec
{
    /// <summary>Describes the call and serializes its arguments; throws (failing only this call) if they cannot be sent.</summary>
    public static CallItem Encode(WorkItem item, string secret, long id, long maxPayloadSize)
    {
        var function = CallDescriptor.For(item.Function, "fn");
        var parameters = item.Function.Method.GetParameters();
        var rows = item.ArgumentRows;
        var encoded = new byte[parameters.Length][];
        long size = 0;
        for (var i = 0; i < parameters.Length; i++)
        {
            var what = $"Argument {i + 1} of {item.Function.Method.Name}";
            var type = parameters[i].ParameterType;
            if (item.IsChunk)
            {
                // A chunk travels as one JSON array per parameter: one serializer call per chunk, not per item.
                var column = Array.CreateInstance(type, rows.Count);
                for (var r = 0; r < rows.Count; r++)
                {
                    column.SetValue(rows[r][i], r);
                }

                encoded[i] = Payload.Serialize(column, column.GetType(), what);
            }
            else
            {
                encoded[i] = Payload.Serialize(rows[0][i], type, what);
            }

            size += encoded[i].LongLength;
        }

        if (size > maxPayloadSize)
        {
            throw new PayloadException(
                $"The arguments of this call serialize to {size:N0} bytes, over actorpool.process-pool.max-payload-size ({maxPayloadSize:N0} bytes). " +
                "Raise that setting (and akka.remote.dot-netty.tcp.maximum-frame-size above it), or pass less data.");
        }

        return new CallItem(secret, id, function, item.IsChunk, encoded);
    }

    /// <summary>Settles <paramref name="item"/>'s future with the worker's reply.</summary>
    public static void Settle(WorkItem item, ResultItem result)
    {
        if (result.Error is { } error)
        {
            item.Fail(error.ToException());
        }
        else
        {
            try
            {
                item.SetResultObject(Payload.Deserialize(result.Value ?? [], item.ResultType, "The result"));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Reading the result runs user code too (constructors, setters): it fails only this call.
                item.Fail(e as PayloadException ?? new PayloadException($"The result of this call could not be read back: {e.Message}", e));
            }
        }
    }
}
