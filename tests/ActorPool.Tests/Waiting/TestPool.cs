using ActorPool.Tests.Support;
using Akka.Actor;

namespace ActorPool.Tests.Waiting;

/// <summary>
/// A <see cref="ThreadPoolExecutor"/> in a strict test actor system (CPython's ExecutorMixin uses five workers),
/// plus gates that hold its workers. Disposing opens every gate, then shuts down the executor, then the system.
/// </summary>
internal sealed class TestPool : IDisposable
{
    /// <summary>The generous upper bound for anything that should happen promptly.</summary>
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    // A gated call gives up after this, well past Long, so a broken test cannot hold a worker for ever.
    private static readonly TimeSpan GateSafety = TimeSpan.FromMinutes(2);

    private readonly List<ManualResetEventSlim> gates = [];

    public TestPool(int workers = 5)
    {
        System = TestSystems.Create();
        Executor = new ThreadPoolExecutor(workers, system: System);
    }

    public ActorSystem System { get; }

    public ThreadPoolExecutor Executor { get; }

    /// <summary>A closed gate, opened at the latest when this pool is disposed.</summary>
    public ManualResetEventSlim NewGate()
    {
        var gate = new ManualResetEventSlim(false);
        lock (gates)
        {
            gates.Add(gate);
        }

        return gate;
    }

    /// <summary>Submits a call that blocks its worker until <paramref name="gate"/> opens (CPython's <c>submit(event.wait)</c>).</summary>
    public Future<bool> SubmitWaitingOn(ManualResetEventSlim gate) => Executor.Submit(() => gate.Wait(GateSafety));

    /// <summary>Submits a call that opens <paramref name="started"/> and then blocks until <paramref name="gate"/> opens.</summary>
    public Future<bool> SubmitWaitingOn(ManualResetEventSlim gate, ManualResetEventSlim started) =>
        Executor.Submit(() =>
        {
            started.Set();
            return gate.Wait(GateSafety);
        });

    /// <summary>The only worker busy on a gated call, and three calls queued behind it (what a cancel-shutdown cancels).</summary>
    public (ManualResetEventSlim Gate, Future<bool> Running, Future<int>[] Queued) BusyWithThreeQueued()
    {
        var started = NewGate();
        var gate = NewGate();
        var running = SubmitWaitingOn(gate, started);
        Assert.True(started.Wait(Long), "The first call did not start.");
        return (gate, running, Enumerable.Range(0, 3).Select(i => Executor.Submit(static (int x) => x * x, i)).ToArray());
    }

    public void Dispose()
    {
        ManualResetEventSlim[] all;
        lock (gates)
        {
            all = [.. gates];
        }

        foreach (var gate in all)
        {
            gate.Set();
        }

        Executor.Dispose();
        Assert.True(System.Terminate().Wait(Long), "The test actor system did not terminate.");
        System.Dispose();
        foreach (var gate in all)
        {
            gate.Dispose();
        }
    }
}
