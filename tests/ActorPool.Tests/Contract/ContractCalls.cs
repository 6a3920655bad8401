using System.Globalization;

namespace ActorPool.Tests.Contract;

/// <summary>
/// The functions the contract suite submits. All are static and take only data, so a process pool can ship
/// them; per-test state is reached through a <see cref="Probe"/> key passed as an argument, and the few
/// run-wide counters and gates live in <see cref="SharedState"/>, so a worker process sees them too.
/// </summary>
internal static class ContractCalls
{
    public const string Initialized = "initialized";
    public const string Uninitialized = "uninitialized";

    private static string initializerStatus = Uninitialized;

    private static string StampDirectory(Type tag) => Path.Combine(SharedState.Root, "stamps", tag.FullName!);

    // While this directory holds a file, some test keeps the initializer gate closed.
    private static string InitializerGateDirectory => Path.Combine(SharedState.Root, "initializer-gate");

    public static int FortyTwo() => 42;

    public static int Negate(int x) => -x;

    public static long Pow(int x, int y)
    {
        long result = 1;
        for (var i = 0; i < y; i++)
        {
            result *= x;
        }

        return result;
    }

    public static int Digits(int hundreds, int tens, int ones) => (hundreds * 100) + (tens * 10) + ones;

    public static int Add(int x, int y) => x + y;

    public static int Abs(int x) => Math.Abs(x);

    public static string Str(int x) => x.ToString(CultureInfo.InvariantCulture);

    /// <summary>Python's <c>divmod</c>; throws <see cref="DivideByZeroException"/> for a zero divisor.</summary>
    public static (int Quotient, int Remainder) DivMod(int dividend, int divisor) => (dividend / divisor, dividend % divisor);

    public static int Fail(string message) => throw new ProbeException(message);

    /// <summary>Throws a <see cref="TimeoutException"/> of its own for item 1 (not the Map timeout).</summary>
    public static int TimeoutOnOne(int x) => x == 1 ? throw new TimeoutException("raised by the call for item 1") : x;

    /// <summary>Runs item <paramref name="item"/> of the probe <paramref name="key"/>: records, maybe fails, maybe blocks.</summary>
    public static int Step(string key, int item) => Probe.Of(key).Run(item);

    /// <summary>An action with one argument: records item 0 on the probe.</summary>
    public static void Touch(string key) => Probe.Of(key).Run(0);

    /// <summary>An action without arguments that does nothing.</summary>
    public static void Nothing()
    {
    }

    /// <summary>
    /// An action without arguments that leaves a mark the test that submitted it can tell from any other: it copies the
    /// ticket <see cref="NewStampTicket"/> last left for <typeparamref name="TTag"/> into a stamp of its own. A test picks
    /// a tag no test running at the same time uses (its contract leaf's type).
    /// </summary>
    public static void Stamp<TTag>()
    {
        var directory = StampDirectory(typeof(TTag));
        var ticket = File.ReadAllText(Path.Combine(directory, "ticket"));
        File.WriteAllText(Path.Combine(directory, $"stamp-{Guid.NewGuid():N}"), ticket);
    }

    /// <summary>Clears <paramref name="tag"/>'s stamps and leaves a fresh ticket for <see cref="Stamp{TTag}"/>; returns it.</summary>
    public static string NewStampTicket(Type tag)
    {
        var directory = StampDirectory(tag);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        var ticket = Guid.NewGuid().ToString("N");
        File.WriteAllText(Path.Combine(directory, "ticket"), ticket);
        return ticket;
    }

    /// <summary>The tickets that runs of <see cref="Stamp{TTag}"/> copied since the last <see cref="NewStampTicket"/>, in any process.</summary>
    public static string[] Stamps(Type tag) =>
        [.. Directory.GetFiles(StampDirectory(tag), "stamp-*").Select(File.ReadAllText)];

    /// <summary>
    /// Runs item <paramref name="item"/> of the probe <paramref name="key"/> as <see cref="Step"/> does, and says where it ran:
    /// the process and the thread.
    /// </summary>
    public static string StepWhere(string key, int item)
    {
        Probe.Of(key).Run(item);
        return $"pid {Environment.ProcessId}, thread {Environment.CurrentManagedThreadId}";
    }

    /// <summary>The state the initializer leaves for the calls (Python's test_init <c>INITIALIZER_STATUS</c>).</summary>
    public static string InitializerStatus() => Volatile.Read(ref initializerStatus);

    public static void ResetInitializerStatus() => Volatile.Write(ref initializerStatus, Uninitialized);

    public static void Initialize() => Volatile.Write(ref initializerStatus, Initialized);

    public static void FailingInitializer() => throw new ProbeException("error in initializer");

    /// <summary>
    /// Closes the gate that <see cref="FailingInitializerAfterGate"/> waits at, until the returned gate is opened (or
    /// disposed). The gate is shared by every process of the run; it stays closed while any test holds it closed.
    /// </summary>
    public static InitializerGate CloseInitializerGate() => new(InitializerGateDirectory);

    /// <summary>Waits until the test has queued calls, then fails (Python's init_fail, without its sleep).</summary>
    public static void FailingInitializerAfterGate()
    {
        SharedState.PollUntil(static () => SharedState.Count(InitializerGateDirectory) == 0, Probe.Bound);
        throw new ProbeException("error in initializer");
    }
}

/// <summary>One test's hold on the initializer gate: a file that exists until <see cref="Open"/>.</summary>
internal sealed class InitializerGate : IDisposable
{
    private readonly string hold;

    public InitializerGate(string directory)
    {
        Directory.CreateDirectory(directory);
        hold = Path.Combine(directory, Guid.NewGuid().ToString("N"));
        using (File.Create(hold))
        {
        }
    }

    public void Open() => File.Delete(hold);

    public void Dispose() => Open();
}
