using ActorPool.Tests.Contract;
using System.Globalization;

namespace ActorPool.Tests.ProcessPool;

/// <summary>
/// The functions <see cref="ProcessPoolExecutorTests"/> ships to worker processes: static, taking and returning
/// only data. Whatever a call must tell the test beyond its result goes through files (see <see cref="Probe"/>).
/// </summary>
internal static class ProcessCalls
{
    private static int initializedIn;

    public static int Pid() => Environment.ProcessId;

    /// <summary>What a worker sees of how it was started: the two variables now, the app it is, and whether it was started with the program variable.</summary>
    public static string[] LaunchView() =>
    [
        Environment.GetEnvironmentVariable("DOTNET_STARTUP_HOOKS") ?? "",
        Environment.GetEnvironmentVariable("ACTORPOOL_PROGRAM") ?? "",
        System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "",
        OperatingSystem.IsLinux() && File.ReadAllText("/proc/self/environ").Split('\0').Contains("ACTORPOOL_PROGRAM=ActorPool") ? "started as ActorPool" : "",
    ];

    /// <summary>The worker's pid, after <paramref name="milliseconds"/>, so calls submitted together spread over the workers.</summary>
    public static int PidAfter(int milliseconds)
    {
        Thread.Sleep(milliseconds);
        return Environment.ProcessId;
    }

    /// <summary>Leaves the worker's pid beside probe <paramref name="key"/>, then runs <paramref name="item"/> as <see cref="ContractCalls.Step"/> does.</summary>
    public static int PidThenStep(string key, int item)
    {
        File.WriteAllText(PidFile(key, item), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Probe.Of(key).Run(item);
        return Environment.ProcessId;
    }

    /// <summary>Leaves the worker's pid beside probe <paramref name="key"/>, marks <paramref name="item"/> started, then hangs deaf to every stop request.</summary>
    public static int PidThenHang(string key, int item)
    {
        File.WriteAllText(PidFile(key, item), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Probe.Of(key).Enter(item);
        Thread.Sleep(TimeSpan.FromMinutes(2));
        return Environment.ProcessId;
    }

    /// <summary>The pid <see cref="PidThenStep"/> left for <paramref name="item"/>.</summary>
    public static int PidOf(string key, int item) => int.Parse(File.ReadAllText(PidFile(key, item)), CultureInfo.InvariantCulture);

    public static (int Pid, int Item) PidAndItem(int item) => (Environment.ProcessId, item);

    public static int Exit(int exitCode)
    {
        Environment.Exit(exitCode);
        return exitCode;
    }

    public static int FailFast(string message)
    {
        Environment.FailFast(message);
        return 0;
    }

    /// <summary>An initializer that leaves the pid of the process it ran in.</summary>
    public static void RememberInitializingProcess() => Volatile.Write(ref initializedIn, Environment.ProcessId);

    /// <summary>Which process ran <see cref="RememberInitializingProcess"/> in this process (0 if none), and this process.</summary>
    public static (int InitializedIn, int Pid) InitializedIn() => (Volatile.Read(ref initializedIn), Environment.ProcessId);

    /// <summary>An initializer that ends its worker process, so the worker dies before it is ready.</summary>
    public static void ExitInInitializer() => Environment.Exit(7);

    public static T Echo<T>(T value) => value;

    /// <summary>Throws an exception with an inner one, from a method the test process never runs.</summary>
    public static int ThrowWithInner(string message) =>
        throw new InvalidOperationException(message, new ArgumentException("the inner cause"));

    public static int ThrowCodeOnly(int code) => throw new CodeOnlyException(code);

    /// <summary>A node whose next node is itself: JSON cannot write it.</summary>
    public static Node Cycle()
    {
        var node = new Node { Value = 1 };
        node.Next = node;
        return node;
    }

    public static int ValueOf(Node node) => node.Value;

    public static NoPublicConstructor NoPublicConstructorOf(int value) => NoPublicConstructor.Of(value);

    /// <summary><paramref name="count"/> bytes of a pattern <see cref="HasPattern"/> recognizes.</summary>
    public static byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return bytes;
    }

    public static bool HasPattern(byte[] bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)(i % 251))
            {
                return false;
            }
        }

        return true;
    }

    public static int Length(byte[] bytes) => bytes.Length;

    /// <summary>The length of <paramref name="bytes"/> if it carries the pattern, else -1.</summary>
    public static int PatternLength(byte[] bytes) => HasPattern(bytes) ? bytes.Length : -1;

    private static string PidFile(string key, int item) => Path.Combine(key, $"pid-{item}");
}

/// <summary>An exception with no (string) or (string, Exception) constructor, so the parent cannot rebuild it.</summary>
public sealed class CodeOnlyException(int code) : Exception($"failed with code {code}")
{
    public int Code { get; } = code;
}

/// <summary>A plain class that can point at itself.</summary>
public sealed class Node
{
    public int Value { get; set; }

    public Node? Next { get; set; }
}

/// <summary>JSON writes it, but cannot read it back: it has no public constructor.</summary>
public sealed class NoPublicConstructor
{
    private NoPublicConstructor(int value) => Value = value;

    public int Value { get; }

    public static NoPublicConstructor Of(int value) => new(value);
}

public sealed record Point(int X, int Y);

public sealed record Segment(Point From, Point To, string Label);

/// <summary>A plain class: settable properties, a nested object, a collection.</summary>
public sealed class Customer
{
    public string Name { get; set; } = "";

    public int Age { get; set; }

    public Address? Home { get; set; }

    public List<string> Tags { get; set; } = [];
}

public sealed class Address
{
    public string City { get; set; } = "";

    public string Street { get; set; } = "";
}
