using Akka.Actor;

namespace ActorPool.Wire;

// What crosses the wire between a worker process and its proxy in the parent. All of it is data,
// written by ProtocolSerializer; nothing else is bound to that serializer. A worker is let go by closing
// its stdin, which also covers the parent dying, so no message is needed for that.

/// <summary>Marks the messages <see cref="ProtocolSerializer"/> writes.</summary>
internal interface IProcessPoolMessage
{
}

/// <summary>Worker → parent, once its initializer has run: here is my worker actor, and the pool's secret.</summary>
internal sealed record RegisterWorker(string Secret, int ProcessId, IActorRef Worker) : IProcessPoolMessage
{
    // Records print every member; a secret must not reach a log line (Akka logs unhandled messages with ToString).
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"ProcessId = {ProcessId}, Worker = {Worker}");
        return true;
    }
}

/// <summary>Worker → parent: the initializer threw, so the pool is broken.</summary>
internal sealed record WorkerInitializerFailed(string Secret, int ProcessId, ErrorInfo Error) : IProcessPoolMessage
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"ProcessId = {ProcessId}, Error = {Error}");
        return true;
    }
}

/// <summary>
/// Parent → worker: run a call. It carries the pool's secret: a worker's port is reachable by any local process,
/// and it runs only calls from its own pool. <paramref name="Arguments"/> holds one payload per parameter; for a Map chunk each
/// payload is a JSON array of that parameter's values (a column), and the call runs once per index. <paramref name="Slot"/> is
/// the call's word on the worker's <see cref="ClaimBoard"/>, which decides whether it may still start it; -1 for none (a cluster node).
/// <paramref name="Trace"/> is the W3C trace context its run continues (see <see cref="Telemetry.CallTrace"/>); default for none.
/// </summary>
internal sealed record CallItem(string Secret, long Id, CallDescriptor Function, bool IsChunk, byte[][] Arguments, int Slot = -1, CallLimits Limits = default,
    System.Diagnostics.ActivityContext Trace = default)
    : IProcessPoolMessage
{
    /// <summary>
    /// For a cluster node: the call is sent ahead, and the node runs it only once its proxy grants it in a
    /// <see cref="ClaimAnswer"/> (false: the proxy granted it as it sent it, and the node runs it when its turn comes).
    /// Not a constructor parameter, so a call built without it (by the process pool) is run as sent.
    /// </summary>
    public bool AwaitsClaim { get; init; }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture,
            $"Id = {Id}, Function = {Function}, IsChunk = {IsChunk}, Arguments = {Arguments.Length}, Slot = {Slot}, Limits = {Limits}, Traced = {Trace != default}, AwaitsClaim = {AwaitsClaim}");
        return true;
    }
}

/// <summary>
/// Node worker → its proxy, as it starts call <paramref name="Started"/> (or ends it unstarted, stopped early): claim the
/// call you sent me after it, if it had reached me by now, so your answer is here before this one ends.
/// <paramref name="Seen"/> counts the proxy's messages (calls and claim answers) that had reached the worker by then,
/// taken or still in its mailbox, so the proxy can tell which of its calls that includes. <paramref name="Key"/> is the
/// worker's reply key, as on its answers: a proxy claims nothing for a request without it.
/// </summary>
internal sealed record ClaimNext(string Key, long Started, long Seen) : IProcessPoolMessage
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"Started = {Started}, Seen = {Seen}");
        return true;
    }
}

/// <summary>
/// Proxy → node worker: call <paramref name="Id"/>, sent ahead, is <paramref name="Granted"/> (run it when its turn
/// comes) or refused (canceled or taken back at the coordinator: drop it, and answer nothing for it). Carries the
/// pool's call key, as a call does. Always follows its call on the same connection.
/// </summary>
internal sealed record ClaimAnswer(string Secret, long Id, bool Granted) : IProcessPoolMessage
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"Id = {Id}, Granted = {Granted}");
        return true;
    }
}

/// <summary>
/// How a call submitted with <see cref="CallOptions"/> may be stopped, as its worker needs to know: its timeout, counted
/// from its start (zero for none), and its grace period (zero for a call nothing can stop, which runs as any other).
/// </summary>
internal readonly record struct CallLimits(TimeSpan Timeout, TimeSpan Grace)
{
    /// <summary>True for a call that its parent may ask to stop, or that its timeout stops.</summary>
    public bool Stoppable => Grace > TimeSpan.Zero;

    public static CallLimits Of(Calls.CallControl? control) =>
        control is null ? default : new(control.Timeout ?? TimeSpan.Zero, control.Grace);
}

/// <summary>
/// Parent → worker (its stop actor, which a running call does not hold up): the token of running call <paramref name="Id"/>
/// was canceled. Carries the pool's secret, as a call does.
/// </summary>
internal sealed record CancelCall(string Secret, long Id) : IProcessPoolMessage
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"Id = {Id}");
        return true;
    }
}

/// <summary>Parent → worker process: calls to run in order, sent together when several are ready (one message, one secret).</summary>
internal sealed record CallBatch(string Secret, CallItem[] Calls) : IProcessPoolMessage
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"Calls = {Calls.Length}");
        return true;
    }
}

/// <summary>
/// The serialized result of <see cref="CallItem"/> <paramref name="Id"/>, or its exception; or, when
/// <paramref name="Skipped"/>, word that the worker did not run it because the parent had canceled it or taken it back first;
/// or, when <paramref name="Stopped"/> says why, word that it ended as asked (its token canceled, or its timeout run out),
/// or, also <paramref name="Abandoned"/>, that it overstayed its grace period and a node gave up its thread;
/// or, when <paramref name="Progress"/>, a progress value the running call reported (serialized in <paramref name="Value"/>),
/// which settles nothing: it always travels before the call's answer, in the same batch or an earlier one.
/// Travels only inside a <see cref="ResultBatch"/>.
/// </summary>
internal sealed record ResultItem(
    long Id,
    byte[]? Value,
    ErrorInfo? Error,
    bool Skipped = false,
    Calls.StopReason Stopped = Calls.StopReason.None,
    bool Progress = false,
    bool Abandoned = false);

/// <summary>
/// Worker → parent (or node worker → executor): the answers that were ready together. <paramref name="Key"/> is the
/// worker's own reply key, which its proxy gave it privately: a proxy settles nothing from a batch without it, whoever
/// the message says sent it.
/// </summary>
internal sealed record ResultBatch(string Key, ResultItem[] Results) : IProcessPoolMessage
{
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"Results = {Results.Length}");
        return true;
    }
}

/// <summary>
/// Worker process → its proxy: one of the worker's own log records (<paramref name="Level"/> is a
/// <see cref="Microsoft.Extensions.Logging.LogLevel"/>), logged in the parent under <c>ActorPool.Worker</c> with the
/// worker's pid. <paramref name="Key"/> is the worker's reply key, so a record is taken only from the process it names;
/// <paramref name="Dropped"/> counts the records the worker left out before this one (it sends a few per second at most).
/// Source and text are capped at <see cref="MaxSourceLength"/> and <see cref="MaxTextLength"/> characters by the worker
/// and refused past their byte bounds by the reader.
/// </summary>
internal sealed record WorkerLogRecord(string Key, int ProcessId, int Level, string Source, string Text, int Dropped) : IProcessPoolMessage
{
    public const int MaxSourceLength = 128;

    public const int MaxTextLength = 4096;

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"ProcessId = {ProcessId}, Level = {Level}, Source = {Source}");
        return true;
    }
}
