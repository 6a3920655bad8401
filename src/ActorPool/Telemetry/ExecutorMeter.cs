using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace ActorPool.Telemetry;

/// <summary>
/// One executor's side of the <c>ActorPool</c> meter: its tags, its counts of queued and running calls, and the
/// measurements a call's future records as it moves from queued to running to settled (<see cref="Future"/> calls these
/// once per transition, under its lock once the call is shared).
/// </summary>
/// <remarks>
/// Queued and running are counts kept here at all times and read by observable instruments, not deltas sent to
/// listeners: so they are exact whenever a listener attaches, and 0 once every call has settled. Counters and
/// histograms nobody listens to cost a check, and the clock is read only for a histogram somebody listens to.
/// </remarks>
internal sealed class ExecutorMeter
{
    private const string KindTag = "actorpool.executor.kind";
    private const string NameTag = "actorpool.executor.name";
    private const string OutcomeTag = "outcome";
    private const string ReasonTag = "reason";

    private static int count;

    // The executors alive now, each with how to count its workers, for the observable instruments.
    private static readonly ConcurrentDictionary<ExecutorMeter, Func<int>> Live = new();

    private readonly KeyValuePair<string, object?> kind;
    private KeyValuePair<string, object?> name;

    // Queued is accepted - started - settled while queued, and running is started - settled after starting: four counts
    // that only grow, each striped over cells picked by thread id (a shared queued/running pair, changed by the submitter
    // and the workers alike, would move between cores with every call).
    private readonly StripedCount accepted = new();
    private readonly StripedCount started = new();
    private readonly StripedCount settledQueued = new();
    private readonly StripedCount settledRunning = new();

    /// <param name="kind"><c>thread</c>, <c>process</c> or <c>cluster</c>.</param>
    public ExecutorMeter(string kind)
    {
        this.kind = new(KindTag, kind);
        name = new(NameTag, $"{kind}-{Interlocked.Increment(ref count)}");
    }

    /// <summary>The executor's <c>actorpool.executor.kind</c>: <c>thread</c>, <c>process</c> or <c>cluster</c>.</summary>
    public string Kind => (string)kind.Value!;

    /// <summary>The executor's <c>actorpool.executor.name</c>: <c>{kind}-{n}</c>, or the name it is registered under when hosted.</summary>
    public string Name => (string)name.Value!;

    /// <summary>Names the executor, before it takes any call (hosting registers executors by name).</summary>
    public void Rename(string newName) => name = new(NameTag, newName);

    /// <summary>Reports the executor in the observable instruments, its workers counted by <paramref name="workers"/>, until <see cref="Ended"/>.</summary>
    public void Began(Func<int> workers) => Live[this] = workers;

    /// <summary>The executor has stopped: it is no longer reported.</summary>
    public void Ended() => Live.TryRemove(this, out _);

    /// <summary>A call accepted; it waits (<paramref name="pending"/>) unless it settled already (a token canceled before it was sent).</summary>
    /// <returns>The time it was queued, for <see cref="Started"/>; 0 when nobody measures waits.</returns>
    public long Submitted(bool pending)
    {
        if (ActorPoolInstruments.Submitted.Enabled)
        {
            ActorPoolInstruments.Submitted.Add(1, kind, name);
        }

        if (!pending)
        {
            return 0;
        }

        accepted.Increment();
        return ActorPoolInstruments.QueueDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
    }

    /// <summary>A queued call started: now, or at <paramref name="workerStartedAt"/> when its worker stamped that.</summary>
    /// <param name="queuedAt">What <see cref="Submitted"/> returned.</param>
    /// <param name="workerStartedAt">
    /// When a worker process started the call (a <see cref="Stopwatch"/> timestamp, the machine's monotonic clock in every
    /// process), for a call the parent learns of later; 0 when it starts now.
    /// </param>
    /// <returns>The time it started, for <see cref="Settled"/>; 0 when nobody measures run times.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // every call's start: a count and two checks unless a histogram listens
    public long Started(long queuedAt, long workerStartedAt = 0)
    {
        started.Increment();
        return ActorPoolInstruments.QueueDuration.Enabled || ActorPoolInstruments.Duration.Enabled ? Timed(queuedAt, workerStartedAt) : 0;
    }

    private long Timed(long queuedAt, long workerStartedAt)
    {
        var now = Stopwatch.GetTimestamp();
        var startedAt = workerStartedAt is > 0 && workerStartedAt <= now ? workerStartedAt : now;
        if (queuedAt != 0 && ActorPoolInstruments.QueueDuration.Enabled)
        {
            ActorPoolInstruments.QueueDuration.Record(Stopwatch.GetElapsedTime(queuedAt, Math.Max(queuedAt, startedAt)).TotalSeconds, kind, name);
        }

        return ActorPoolInstruments.Duration.Enabled ? startedAt : 0;
    }

    /// <summary>True while a listener counts completed calls by outcome: a settling call then names its outcome for <see cref="Settled"/>.</summary>
    public static bool CountsOutcomes => ActorPoolInstruments.Completed.Enabled;

    /// <summary>
    /// A call settled with <paramref name="outcome"/> (<see cref="CallOutcome"/>), after running or while still queued;
    /// null when nobody counted outcomes as it settled (see <see cref="CountsOutcomes"/>).
    /// </summary>
    public void Settled(bool wasRunning, long startedAt, string? outcome)
    {
        if (wasRunning)
        {
            settledRunning.Increment();
            if (startedAt != 0 && ActorPoolInstruments.Duration.Enabled)
            {
                ActorPoolInstruments.Duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, kind, name);
            }
        }
        else
        {
            settledQueued.Increment();
        }

        if (outcome is not null && ActorPoolInstruments.Completed.Enabled)
        {
            ActorPoolInstruments.Completed.Add(1, kind, name, new(OutcomeTag, outcome));
        }
    }

    /// <summary>A worker was given up on, or retired, and a fresh one takes its place: <paramref name="reason"/> is a <see cref="WorkerRestartReason"/>.</summary>
    public void WorkerRestarted(string reason) => ActorPoolInstruments.Restarts.Add(1, kind, name, new(ReasonTag, reason));

    /// <summary>A failed attempt of a call with a retry policy is to be tried again: it failed, or (<paramref name="workerLost"/>) its worker died.</summary>
    public void Retried(bool workerLost)
    {
        if (ActorPoolInstruments.Retried.Enabled)
        {
            ActorPoolInstruments.Retried.Add(1, kind, name, new(ReasonTag, workerLost ? "worker_lost" : "failure"));
        }
    }

    /// <summary>A call that was already settled when it was accepted: counted as submitted and completed, never queued.</summary>
    public void SettledBeforeQueued(string outcome) => ActorPoolInstruments.Completed.Add(1, kind, name, new(OutcomeTag, outcome));

    /// <summary><c>actorpool.calls.queued</c>: every live executor's calls accepted and not yet started.</summary>
    internal static IEnumerable<Measurement<long>> ObserveQueued() =>
        Live.Keys.Select(meter => new Measurement<long>(meter.Queued, meter.kind, meter.name)).ToList();

    /// <summary><c>actorpool.calls.running</c>: every live executor's calls started and not yet settled.</summary>
    internal static IEnumerable<Measurement<long>> ObserveRunning() =>
        Live.Keys.Select(meter => new Measurement<long>(meter.Running, meter.kind, meter.name)).ToList();

    // Each count is read after those it is reduced by, so a call that moves on meanwhile is never counted out before it
    // was counted in: neither figure is ever below 0, and both are exact once nothing moves.
    private long Queued
    {
        get
        {
            var leftQueue = settledQueued.Read() + started.Read();
            return accepted.Read() - leftQueue;
        }
    }

    private long Running
    {
        get
        {
            var ended = settledRunning.Read();
            return started.Read() - ended;
        }
    }

    /// <summary><c>actorpool.workers</c>: every live executor's workers.</summary>
    internal static IEnumerable<Measurement<int>> ObserveWorkers() =>
        Live.Select(entry => new Measurement<int>(entry.Value(), entry.Key.kind, entry.Key.name)).ToList();
}
