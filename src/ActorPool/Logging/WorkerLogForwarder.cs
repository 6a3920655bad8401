using System.Diagnostics;
using ActorPool.Wire;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorPool.Logging;

/// <summary>
/// In a worker process: the logger its own records go through (the library's, such as an initializer's failure, and
/// Akka's warnings and errors), each sent to its proxy in the parent as a <see cref="WorkerLogRecord"/> over the
/// connection the worker already has, signed with its reply key. Information and above only; text capped at
/// <see cref="WorkerLogRecord.MaxTextLength"/> characters. At most <see cref="Burst"/> records go at once and
/// <see cref="PerSecond"/> a second after that; the rest are counted, and the count travels with the next record sent.
/// Nothing here runs per call: only when something is logged.
/// </summary>
internal sealed class WorkerLogForwarder : ILogger
{
    public const int Burst = 50;

    public const int PerSecond = 10;

    private static WorkerLogForwarder? current;

    private readonly IActorRef proxy;
    private readonly string replyKey;
    private readonly Lock gate = new();
    private double tokens = Burst;
    private long refilledAt = Stopwatch.GetTimestamp();
    private int dropped;

    public WorkerLogForwarder(IActorRef proxy, string replyKey)
    {
        this.proxy = proxy;
        this.replyKey = replyKey;
    }

    /// <summary>This worker process's forwarder, once it knows its proxy; null before (and on a cluster node, which has none).</summary>
    public static WorkerLogForwarder? Current => Volatile.Read(ref current);

    /// <summary>Makes this the process's forwarder: Akka's records in this worker go to the parent from now on.</summary>
    public void Install() => Volatile.Write(ref current, this);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Information and < LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            var text = formatter(state, exception);
            Send(logLevel, LogCategories.Worker, exception is null ? text : $"{text}{Environment.NewLine}{exception}");
        }
    }

    /// <summary>Sends one record, unless this worker has sent its share lately (then it is counted as left out).</summary>
    public void Send(LogLevel level, string source, string text)
    {
        int leftOut;
        lock (gate)
        {
            var now = Stopwatch.GetTimestamp();
            tokens = Math.Min(Burst, tokens + (Stopwatch.GetElapsedTime(refilledAt, now).TotalSeconds * PerSecond));
            refilledAt = now;
            if (tokens < 1)
            {
                dropped++;
                return;
            }

            tokens--;
            leftOut = dropped;
            dropped = 0;
        }

        proxy.Tell(new WorkerLogRecord(replyKey, Environment.ProcessId, (int)level, Cap(source, WorkerLogRecord.MaxSourceLength), Cap(text, WorkerLogRecord.MaxTextLength), leftOut), ActorRefs.NoSender);
    }

    private static string Cap(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
