using ActorPool.Calls;
using ActorPool.Telemetry;

namespace ActorPool.Wire;

/// <summary>
/// Turns a <see cref="WorkItem"/> into the <see cref="CallItem"/> a remote worker runs, and its <see cref="ResultItem"/>
/// back into the future's outcome. The arguments are serialized at <c>Submit</c>, on the caller's thread
/// (<see cref="Prepare"/>): that work then overlaps the workers' start-up and other calls' round trips, and never
/// runs in the proxy actor that is waiting to send.
/// </summary>
internal static class CallCodec
{
    /// <summary>
    /// Describes the call (throwing <see cref="ArgumentException"/> from <c>Submit</c> for a function a worker
    /// cannot run) and serializes its arguments; arguments that cannot be sent are kept as the call's error,
    /// which fails only its future when a worker would have taken it.
    /// </summary>
    public static void Prepare(WorkItem item, long maxPayloadSize)
    {
        var function = CallDescriptor.For(item.Function, "fn");
        try
        {
            item.Encoded = new PreparedCall(function, EncodeArguments(item, maxPayloadSize), null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Serializing runs user code (getters, converters); whatever it throws fails only this call.
            item.Encoded = new PreparedCall(function, [], e as PayloadException
                ?? new PayloadException($"The arguments of this call could not be serialized for a worker: {e.Message}", e));
        }
    }

    /// <summary>Why a prepared call's arguments could not be serialized (its future is to fail with it, unsent), or null.</summary>
    public static PayloadException? PreparationError(WorkItem item) => Prepared(item).Error;

    /// <summary>A call's size on the wire, at most: its arguments, its description's names (up to 3 bytes a character), and framing.</summary>
    public static long WireBytes(CallItem call) =>
        64 + (call.Trace == default ? 0 : TraceContextCodec.MaxBytes) + call.Arguments.Sum(argument => argument.LongLength + 4)
        + 3L * (call.Function.DeclaringType.Length + call.Function.GenericArguments.Sum(name => name.Length + 4));

    /// <summary>
    /// The message for a prepared call whose arguments were serialized; <paramref name="slot"/> is its claim board word, if any;
    /// <paramref name="awaitsClaim"/>, for a cluster node, that the node must wait for its proxy's grant before it runs it.
    /// </summary>
    public static CallItem Encode(WorkItem item, string secret, long id, int slot = -1, bool awaitsClaim = false)
    {
        var prepared = Prepared(item);
        return new CallItem(secret, id, prepared.Function, item.IsChunk, prepared.Arguments, slot, CallLimits.Of(item.Control), item.Future.TraceContext)
        {
            AwaitsClaim = awaitsClaim,
        };
    }

    private static PreparedCall Prepared(WorkItem item) =>
        item.Encoded as PreparedCall ?? throw new InvalidOperationException("A call reached a remote worker without being prepared at Submit.");

    private static byte[][] EncodeArguments(WorkItem item, long maxPayloadSize)
    {
        var parameters = item.Function.Method.GetParameters();
        // A last CancellationToken parameter is the call's token, which the worker gives: no payload travels for it.
        var count = parameters.Length > 0 && parameters[^1].ParameterType == typeof(CancellationToken) ? parameters.Length - 1 : parameters.Length;

        var encoded = new byte[count][];
        var columns = item.IsChunk ? item.Columns : null;
        long size = 0;
        for (var i = 0; i < count; i++)
        {
            var what = $"Argument {i + 1} of {item.Function.Method.Name}";
            try
            {
                // A chunk travels as one array per parameter: one serializer call per chunk, not per item. Each argument may
                // use what the ones before it left of the limit, and serializing stops as soon as it would pass that.
                encoded[i] = columns is not null
                    ? Payload.Serialize(columns[i], columns[i].GetType(), what, maxPayloadSize - size)
                    : Payload.Serialize(item.Arguments[i], parameters[i].ParameterType, what, maxPayloadSize - size);
            }
            catch (PayloadLimitException over)
            {
                throw new PayloadException(
                    $"The arguments of this call serialize to more than {size + over.AtLeast - 1:N0} bytes, over actorpool.process-pool.max-payload-size " +
                    $"({maxPayloadSize:N0} bytes); serializing stopped there. Raise that setting (and the remoting transport's maximum-frame-size " +
                    "above it), or pass less data.");
            }

            size += encoded[i].LongLength;
        }

        return encoded;
    }

    /// <summary>
    /// Hands a progress value the worker sent for <paramref name="item"/> to its future, still serialized: it is read as each
    /// callback's type only if a callback gets it. Nothing here runs user code, so the proxy's thread is never held up.
    /// </summary>
    public static void Progress(WorkItem item, ResultItem progress) => item.Future.ReportProgress(new SerializedProgress(progress.Value!));

    /// <summary>Settles <paramref name="item"/>'s future with the worker's reply.</summary>
    public static void Settle(WorkItem item, ResultItem result)
    {
        if (result.Stopped != StopReason.None && item.Control is { } control)
        {
            if (result.Abandoned)
            {
                item.Future.Meter?.WorkerRestarted(WorkerRestartReason.Stopped); // a node's thread given up on: another takes its place
            }

            control.RequestStop(result.Stopped); // the worker's reason, unless the parent had one first
            item.SettleStopped();
        }
        else if (result.Error is { } error)
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

/// <summary>A call as a remote worker will run it, made at <c>Submit</c>: its description and serialized arguments, or why they could not be serialized.</summary>
internal sealed class PreparedCall(CallDescriptor function, byte[][] arguments, PayloadException? error) : EncodedCall
{
    public CallDescriptor Function { get; } = function;

    public byte[][] Arguments { get; } = arguments;

    public PayloadException? Error { get; } = error;
}
