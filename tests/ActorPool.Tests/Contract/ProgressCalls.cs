namespace ActorPool.Tests.Contract;

/// <summary>
/// The calls of the progress tests (<c>ExecutorContractTests.Progress.cs</c>): static, so a process pool and a cluster run
/// them too, held at a <see cref="Probe"/>'s gate (by key) until the test has added its callbacks.
/// </summary>
internal static class ProgressCalls
{
    /// <summary>Waits at the gate (item 0), reports 1 to <paramref name="count"/>, and returns <paramref name="count"/>.</summary>
    public static int CountTo(string key, int count)
    {
        Probe.Of(key).Run(0);
        for (var i = 1; i <= count; i++)
        {
            CallContext.ReportProgress(i);
        }

        return count;
    }

    /// <summary>As <see cref="CountTo"/>, then records item 1 on the probe: every value has been reported.</summary>
    public static int CountToAndSayDone(string key, int count)
    {
        CountTo(key, count);
        Probe.Of(key).Enter(1);
        return count;
    }

    /// <summary>Waits at the gate (item 0), reports 1, waits at the gate again (item 1), reports 2, and returns 2.</summary>
    public static int InTwoSteps(string key)
    {
        var probe = Probe.Of(key);
        probe.Run(0);
        CallContext.ReportProgress(1);
        probe.Run(1);
        CallContext.ReportProgress(2);
        return 2;
    }

    /// <summary>Waits at the gate (item 0), reports a value that cannot be serialized, then 7, and returns 7.</summary>
    public static int ReportsAnUnserializableValueThenSeven(string key)
    {
        Probe.Of(key).Run(0);
        CallContext.ReportProgress(new Unserializable());
        CallContext.ReportProgress(7);
        return 7;
    }

    /// <summary>A value System.Text.Json cannot write: reading its property throws.</summary>
    public sealed class Unserializable
    {
        public int Value => throw new InvalidOperationException($"{GetType().Name} cannot be serialized");
    }
}
