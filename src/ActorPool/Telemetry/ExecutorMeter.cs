using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ActorPool.Telemetry;

/// <summary>
/// One executor's side of the <c>ActorPool</c> meter: its tags, and the measurements a call's future records as it moves
/// from queued to running to settled (<see cref="Future"/> calls these under its lock, once per transition, so the
/// queued and running counts return to 0 when every call has settled). An instrument nobody listens to costs a check.
/// </summary>
internal sealed class ExecutorMeter
{
    private const string KindTag = "actorpool.executor.kind";
    private const string NameTag = "actorpool.executor.name";
    private const string OutcomeTag = "outcome";

    private static int count;

    // The executors alive now, each with how to count its workers, for the actorpool.workers gauge.
    private static readonly ConcurrentDictionary<ExecutorMeter, Func<int>> Live = new();

    private readonly KeyValuePair<string, object?> kind;
    private KeyValuePair<string, object?> name;

    /// <param name="kind"><c>thread</c>, <c>process</c> or <c>cluster</c>.</param>
    public ExecutorMeter(string kind)
    {
        this.kind = new(KindTag, kind);
        name = new(NameTag, $"{kind}-{Interlocked.Increment(ref count)}");
    }

    /// <summary>The executor's <c>actorpool.executor.name</c>: <c>{kind}-{n}</c>, or the name it is registered under when hosted.</summary>
    public string Name => (string)name.Value!;

    /// <summary>Names the executor, before it takes any call (hosting registers executors by name).</summary>
    public void Rename(string newName) => name = new(NameTag, newName);

    /// <summary>Counts the executor's workers in <c>actorpool.workers</c> with <paramref name="workers"/>, until <see cref="Ended"/>.</summary>
    public void Began(Func<int> workers) => Live[this] = workers;

    /// <summary>The executor has stopped: it has no workers any more.</summary>
    public void Ended() => Live.TryRemove(this, out _);

    /// <summary>The gauge's reading: every live executor's worker count, with its tags.</summary>
    internal static IEnumerable<Measurement<int>> ObserveWorkers() =>
        Live.Select(entry => new Measurement<int>(entry.Value(), entry.Key.kind, entry.Key.name)).ToList();

    /// <summary>A call accepted; it waits (<paramref name="pending"/>) unless it settled already (a token canceled before it was sent).</summary>
    /// <returns>The time it was queued, for <see cref="Started"/>; 0 when nobody measures waits.</returns>
    public long Submitted(bool pending)
    {
        ActorPoolInstruments.Submitted.Add(1, kind, name);
        if (!pending)
        {
            return 0;
        }

        ActorPoolInstruments.Queued.Add(1, kind, name);
        return ActorPoolInstruments.QueueDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
    }

    /// <summary>A queued call started.</summary>
    /// <returns>The time it started, for <see cref="Settled"/>; 0 when nobody measures run times.</returns>
    public long Started(long queuedAt)
    {
        ActorPoolInstruments.Queued.Add(-1, kind, name);
        ActorPoolInstruments.Running.Add(1, kind, name);
        if (queuedAt != 0 && ActorPoolInstruments.QueueDuration.Enabled)
        {
            ActorPoolInstruments.QueueDuration.Record(Stopwatch.GetElapsedTime(queuedAt).TotalSeconds, kind, name);
        }

        return ActorPoolInstruments.Duration.Enabled ? Stopwatch.GetTimestamp() : 0;
    }

    /// <summary>A call settled with <paramref name="outcome"/> (<see cref="CallOutcome"/>), after running or while still queued.</summary>
    public void Settled(bool wasRunning, long startedAt, string outcome)
    {
        if (wasRunning)
        {
            ActorPoolInstruments.Running.Add(-1, kind, name);
            if (startedAt != 0 && ActorPoolInstruments.Duration.Enabled)
            {
                ActorPoolInstruments.Duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, kind, name);
            }
        }
        else
        {
            ActorPoolInstruments.Queued.Add(-1, kind, name);
        }

        ActorPoolInstruments.Completed.Add(1, kind, name, new(OutcomeTag, outcome));
    }

    /// <summary>A call that was already settled when it was accepted: counted as submitted and completed, never queued.</summary>
    public void SettledBeforeQueued(string outcome) => ActorPoolInstruments.Completed.Add(1, kind, name, new(OutcomeTag, outcome));
}
