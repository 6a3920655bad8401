using System.Collections.Concurrent;
using System.Globalization;

namespace ActorPool.Tests.Contract;

/// <summary>
/// Per-test state that the contract suite's static calls reach through a string key, so that the functions
/// shipped to an executor capture nothing and tests running in parallel never share a gate or a log.
/// A call <c>Step(key, i)</c> records that item <c>i</c> started, throws if <c>i</c> is the failing item,
/// waits at the gate if <c>i</c> is a blocking item, then records that it finished.
/// </summary>
/// <remarks>
/// A probe is a directory under <see cref="SharedState.Root"/> and its key is the directory's path, so a call
/// running in a worker process finds the same probe as one running on a thread of the test process: its
/// configuration is written down (which items block, which fails), 'started' and 'finished' are ordered logs of
/// files, and the gate is a file the blocked calls poll for. Dispose opens the gate, so
/// <c>using var probe = ...</c> releases every blocked call even when an assertion fails. The directory stays
/// afterwards: a straggling call must still find it (the whole run's directory goes when the test process exits).
/// </remarks>
internal sealed class Probe : IDisposable
{
    /// <summary>How long anything in these tests may wait before it counts as a hang.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Items 0 to this one may block; the suite's calls use far fewer.</summary>
    private const int MaxItem = 1023;

    private const string BlocksFile = "blocks";
    private const string FailAtFile = "fail-at";
    private const string GateFile = "open";

    // One view per probe per process: in the test process the probe the test made, in a worker one read from disk.
    private static readonly ConcurrentDictionary<string, Probe> Known = new();

    private readonly string startedLog;
    private readonly string finishedLog;
    private readonly string gate;
    private readonly bool[] blocks;
    private readonly int failAt;

    /// <param name="blocks">Which items wait at the gate; none by default.</param>
    /// <param name="failAt">The item that throws <see cref="ProbeException"/>; none by default.</param>
    public Probe(Func<int, bool>? blocks = null, int failAt = int.MinValue)
        : this(SharedState.NewDirectory("probe"), [.. Enumerable.Range(0, MaxItem + 1).Select(blocks ?? (static _ => false))], failAt)
    {
        // Written before the key is handed out, so any process that gets the key can read them.
        File.WriteAllText(Path.Combine(Key, BlocksFile), string.Concat(this.blocks.Select(static b => b ? '1' : '0')));
        File.WriteAllText(Path.Combine(Key, FailAtFile), failAt.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(startedLog);
        Directory.CreateDirectory(finishedLog);
        Known[Key] = this;
    }

    private Probe(string directory, bool[] blocks, int failAt)
    {
        Key = directory;
        startedLog = Path.Combine(directory, "started");
        finishedLog = Path.Combine(directory, "finished");
        gate = Path.Combine(directory, GateFile);
        this.blocks = blocks;
        this.failAt = failAt;
    }

    /// <summary>The probe's directory, which is all a call in any process needs to find it.</summary>
    public string Key { get; }

    /// <summary>The items that started, in the order they started, in whatever process they ran.</summary>
    public int[] Started => SharedState.ReadLog(startedLog);

    /// <summary>The items that finished, in the order they finished.</summary>
    public int[] Finished => SharedState.ReadLog(finishedLog);

    public static Probe Of(string key) => Known.GetOrAdd(key, Load);

    /// <summary>The body of <see cref="ContractCalls.Step"/>.</summary>
    public int Run(int item)
    {
        SharedState.Append(startedLog, item);
        if (item == failAt)
        {
            throw new ProbeException($"item {item} failed");
        }

        if (Blocks(item) && !SharedState.PollUntil(() => File.Exists(gate) || File.Exists(ItemGate(item)), Bound))
        {
            // Not a TimeoutException: a test that expects the executor's own TimeoutException must not take this for it.
            throw new ProbeGateNeverOpenedException($"The gate of probe {Key} was never opened for item {item}.");
        }

        SharedState.Append(finishedLog, item);
        return item;
    }

    /// <summary>Records that <paramref name="item"/> started, for calls that do not go through <see cref="Run"/>.</summary>
    public void Enter(int item) => SharedState.Append(startedLog, item);

    /// <summary>Records that <paramref name="item"/> finished, for calls that do not go through <see cref="Run"/>.</summary>
    public void Leave(int item) => SharedState.Append(finishedLog, item);

    /// <summary>Opens the gate for every blocking item, now and later.</summary>
    public void Open()
    {
        using (File.Create(gate))
        {
        }
    }

    /// <summary>Opens the gate for <paramref name="item"/> only; the other blocking items stay blocked.</summary>
    public void Open(int item)
    {
        using (File.Create(ItemGate(item)))
        {
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> items have started; throws on timeout.</summary>
    public void WaitForStarts(int count) => WaitUntil(() => Started.Length >= count, $"{count} calls to start");

    /// <summary>Waits until every one of <paramref name="items"/> has finished; throws on timeout.</summary>
    public void WaitForFinishes(params int[] items) => WaitUntil(() => items.All(Finished.Contains), $"items {string.Join(", ", items)} to finish");

    public void Dispose() => Open();

    private static Probe Load(string key)
    {
        if (!Directory.Exists(key))
        {
            throw new InvalidOperationException($"No probe is registered as {key}.");
        }

        var blocks = File.ReadAllText(Path.Combine(key, BlocksFile)).Select(static c => c == '1').ToArray();
        var failAt = int.Parse(File.ReadAllText(Path.Combine(key, FailAtFile)), CultureInfo.InvariantCulture);
        return new Probe(key, blocks, failAt);
    }

    private string ItemGate(int item) => $"{gate}-{item.ToString(CultureInfo.InvariantCulture)}";

    private bool Blocks(int item) => item is >= 0 and <= MaxItem
        ? blocks[item]
        : throw new ArgumentOutOfRangeException(nameof(item), item, $"A probe knows items 0 to {MaxItem} only.");

    private void WaitUntil(Func<bool> condition, string what)
    {
        if (!SharedState.PollUntil(condition, Bound))
        {
            throw new TimeoutException($"Gave up waiting for {what}; started [{string.Join(", ", Started)}], finished [{string.Join(", ", Finished)}].");
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

/// <summary>
/// What a blocked call throws when its probe's gate stays shut for <see cref="Probe.Bound"/>: a test left it blocked.
/// A type of its own, so that it is never taken for an exception the executor throws (a <see cref="TimeoutException"/>).
/// </summary>
public sealed class ProbeGateNeverOpenedException : Exception
{
    public ProbeGateNeverOpenedException()
    {
    }

    public ProbeGateNeverOpenedException(string message)
        : base(message)
    {
    }

    public ProbeGateNeverOpenedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
