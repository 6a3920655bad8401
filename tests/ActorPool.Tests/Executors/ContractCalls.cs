using System.Globalization;

namespace ActorPool.Tests.Executors;

/// <summary>
/// The functions the contract suite submits. All are static and take only data, so a process pool can ship
/// them; per-test state is reached through a <see cref="Probe"/> key passed as an argument.
/// </summary>
internal static class ContractCalls
{
    public const string Initialized = "initialized";
    public const string Uninitialized = "uninitialized";

    private static readonly ManualResetEventSlim InitializerGate = new(true);
    private static string initializerStatus = Uninitialized;
    private static int noArgumentActions;

    /// <summary>How many times <see cref="CountAction"/> has run in this process.</summary>
    public static int NoArgumentActions => Volatile.Read(ref noArgumentActions);

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

    /// <summary>An action without arguments: counts its runs.</summary>
    public static void CountAction() => Interlocked.Increment(ref noArgumentActions);

    /// <summary>The state the initializer leaves for the calls (Python's test_init <c>INITIALIZER_STATUS</c>).</summary>
    public static string InitializerStatus() => Volatile.Read(ref initializerStatus);

    public static void ResetInitializerStatus() => Volatile.Write(ref initializerStatus, Uninitialized);

    public static void Initialize() => Volatile.Write(ref initializerStatus, Initialized);

    public static void FailingInitializer() => throw new ProbeException("error in initializer");

    /// <summary>Closes the gate that <see cref="FailingInitializerAfterGate"/> waits at.</summary>
    public static void CloseInitializerGate() => InitializerGate.Reset();

    public static void OpenInitializerGate() => InitializerGate.Set();

    /// <summary>Waits until the test has queued calls, then fails (Python's init_fail, without its sleep).</summary>
    public static void FailingInitializerAfterGate()
    {
        InitializerGate.Wait(Probe.Bound);
        throw new ProbeException("error in initializer");
    }
}
