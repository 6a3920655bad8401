namespace LocalCluster;

/// <summary>
/// What the worker nodes run: static methods of this app's assembly (the assembly a node allows by default),
/// taking and returning only data, which travels as JSON. Each result names the process it ran in, for the
/// per-node tally.
/// </summary>
internal static class Calls
{
    /// <summary>
    /// The seed's <c>DoSomething</c>, in fractions of a second. It returns its line rather than printing
    /// <c>Sleeping N second(s)...</c>: local nodes share this console, which shows the progress bar.
    /// </summary>
    public static Ran<string> DoSomething(double seconds)
    {
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        return Ran($"Done Sleeping...{seconds:0.0#}");
    }

    /// <summary>The primes in [<paramref name="from"/>, <paramref name="to"/>), by trial division: all CPU, no sleeping.</summary>
    public static Ran<int> CountPrimes(int from, int to)
    {
        var count = 0;
        for (var n = Math.Max(from, 2); n < to; n++)
        {
            count += IsPrime(n) ? 1 : 0;
        }

        return Ran(count);
    }

    private static bool IsPrime(int n)
    {
        if (n % 2 == 0)
        {
            return n == 2;
        }

        for (var d = 3; d <= n / d; d += 2)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }

    private static Ran<T> Ran<T>(T value) => new(value, Environment.ProcessId, Environment.MachineName);
}

/// <summary>The node process a call ran in.</summary>
internal interface IRanOn
{
    int Pid { get; }

    string Machine { get; }
}

/// <summary>A call's result and the node process that produced it.</summary>
internal sealed record Ran<T>(T Value, int Pid, string Machine) : IRanOn;
