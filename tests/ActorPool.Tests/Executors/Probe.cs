using System.Collections.Concurrent;

namespace ActorPool.Tests.Executors;

/// <summary>
/// Per-test state that the contract suite's static calls reach through a string key, so that the functions
/// shipped to an executor capture nothing and tests running in parallel never share a gate or a log.
/// A call <c>Step(key, i)</c> records that item <c>i</c> started, throws if <c>i</c> is the failing item,
/// waits at the gate if <c>i</c> is a blocking item, then records that it finished.
/// </summary>
/// <remarks>
/// Dispose opens the gate, so <c>using var probe = ...</c> releases every blocked call even when an assertion
/// fails. The probe stays registered afterwards: a straggling call must still find it.
/// </remarks>
internal sealed class Probe : IDisposable
{
    /// <summary>How long anything in these tests may wait before it counts as a hang.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static readonly ConcurrentDictionary<string, Probe> Registered = new();

    private readonly ManualResetEventSlim gate = new(false);
    private readonly object sync = new();
    private readonly List<int> started = [];
    private readonly List<int> finished = [];
    private readonly Func<int, bool> blocks;
    private readonly int failAt;

    /// <param name="blocks">Which items wait at the gate; none by default.</param>
    /// <param name="failAt">The item that throws <see cref="ProbeException"/>; none by default.</param>
    public Probe(Func<int, bool>? blocks = null, int failAt = int.MinValue)
    {
        this.blocks = blocks ?? (static _ => false);
        this.failAt = failAt;
        Registered[Key] = this;
    }

    public string Key { get; } = Guid.NewGuid().ToString("N");

    public int[] Started
    {
        get
        {
            lock (sync)
            {
                return [.. started];
            }
        }
    }

    public int[] Finished
    {
        get
        {
            lock (sync)
            {
                return [.. finished];
            }
        }
    }

    public static Probe Of(string key) =>
        Registered.TryGetValue(key, out var probe) ? probe : throw new InvalidOperationException($"No probe is registered as {key}.");

    /// <summary>The body of <see cref="ContractCalls.Step"/>.</summary>
    public int Run(int item)
    {
        Record(started, item);
        if (item == failAt)
        {
            throw new ProbeException($"item {item} failed");
        }

        if (blocks(item) && !gate.Wait(Bound))
        {
            throw new TimeoutException($"The gate of probe {Key} was never opened.");
        }

        Record(finished, item);
        return item;
    }

    public void Open() => gate.Set();

    /// <summary>Waits until at least <paramref name="count"/> items have started; throws on timeout.</summary>
    public void WaitForStarts(int count) => WaitUntil(() => started.Count >= count, $"{count} calls to start");

    /// <summary>Waits until every one of <paramref name="items"/> has finished; throws on timeout.</summary>
    public void WaitForFinishes(params int[] items) => WaitUntil(() => items.All(finished.Contains), $"items {string.Join(", ", items)} to finish");

    public void Dispose() => gate.Set();

    private void Record(List<int> log, int item)
    {
        lock (sync)
        {
            log.Add(item);
            Monitor.PulseAll(sync);
        }
    }

    private void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        lock (sync)
        {
            while (!condition())
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException($"Gave up waiting for {what}; started [{string.Join(", ", started)}], finished [{string.Join(", ", finished)}].");
                }

                Monitor.Wait(sync, left);
            }
        }
    }
}

/// <summary>The exception the contract suite's calls throw on purpose.</summary>
public sealed class ProbeException : Exception
{
    public ProbeException()
    {
    }

    public ProbeException(string message)
        : base(message)
    {
    }

    public ProbeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
