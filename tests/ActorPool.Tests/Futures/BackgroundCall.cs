using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace ActorPool.Tests.Futures;

/// <summary>
/// Runs a call on a dedicated thread (never a pool thread, so its identity is unambiguous) and keeps its
/// outcome for <see cref="Join"/>, which rethrows what the call threw.
/// </summary>
internal sealed class BackgroundCall<T>
{
    /// <summary>The generous upper bound every test uses for something that should happen at once.</summary>
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    private T? result;
    private ExceptionDispatchInfo? error;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "The call's exception is its outcome, rethrown by Join.")]
    public BackgroundCall(Func<T> call, string name = "background-call")
    {
        Thread = new Thread(() =>
        {
            try
            {
                result = call();
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        Thread.Start();
    }

    public Thread Thread { get; }

    /// <summary>
    /// Returns once the thread is blocked in a wait (or has ended), so that what the test does next happens while
    /// the call is already waiting, as CPython's tests arrange with a one-second sleep. Tests that use it pass
    /// whichever order the threads really take; this only makes the intended order the likely one.
    /// </summary>
    public void UntilBlockedOrEnded()
    {
        var clock = Stopwatch.StartNew();
        var spinner = default(SpinWait);
        while (Thread.IsAlive && (Thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) == 0 && clock.Elapsed < Long)
        {
            spinner.SpinOnce();
        }
    }

    /// <summary>True if the call ends within <paramref name="timeout"/>.</summary>
    public bool Ended(TimeSpan timeout) => Thread.Join(timeout);

    /// <summary>Waits (up to <see cref="Long"/>) for the call, then returns its result or rethrows its exception.</summary>
    public T Join()
    {
        Assert.True(Thread.Join(Long), $"The background call did not end within {Long.TotalSeconds} s.");
        error?.Throw();
        return result!;
    }
}
