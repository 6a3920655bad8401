namespace ActorPool.Tests.Contract;

/// <summary>
/// The calls of the stopping tests (<c>ExecutorContractTests.Stopping.cs</c>): static, so a process pool and a cluster
/// run them too, and recording in a <see cref="Probe"/> (by key) that they started and finished.
/// </summary>
internal static class StopCalls
{
    /// <summary>Waits for its token and ends as asked, with an <see cref="OperationCanceledException"/>.</summary>
    public static int WaitForToken(string key, int item, CancellationToken token)
    {
        var probe = Probe.Of(key);
        probe.Enter(item);
        token.WaitHandle.WaitOne(Probe.Bound);
        token.ThrowIfCancellationRequested();
        probe.Leave(item);
        return item;
    }

    /// <summary>Waits for its token, then returns a result of its own.</summary>
    public static int ReturnsWhenCanceled(string key, int item, CancellationToken token)
    {
        var probe = Probe.Of(key);
        probe.Enter(item);
        token.WaitHandle.WaitOne(Probe.Bound);
        probe.Leave(item);
        return -item;
    }

    /// <summary>Waits for the token <see cref="CallContext"/> gives it (it takes none as a parameter).</summary>
    public static int WaitForContextToken(string key, int item)
    {
        var probe = Probe.Of(key);
        probe.Enter(item);
        CallContext.CancellationToken.WaitHandle.WaitOne(Probe.Bound);
        CallContext.CancellationToken.ThrowIfCancellationRequested();
        return item;
    }

    /// <summary>Whether a call without options sees a token that can be canceled.</summary>
    public static bool ContextTokenCanBeCanceled() => CallContext.CancellationToken.CanBeCanceled;

    /// <summary>Ignores every stop request: sleeps in short steps for <paramref name="milliseconds"/>, checking nothing.</summary>
    public static int IgnoresToken(string key, int item, int milliseconds)
    {
        var probe = Probe.Of(key);
        probe.Enter(item);
        var until = Environment.TickCount64 + milliseconds;
        while (Environment.TickCount64 < until)
        {
            Thread.Sleep(10);
        }

        probe.Leave(item);
        return item;
    }

    /// <summary>Sleeps for <paramref name="milliseconds"/> unless its token is canceled first, then ends canceled.</summary>
    public static int SleepOrStop(int milliseconds, CancellationToken token)
    {
        if (token.WaitHandle.WaitOne(milliseconds))
        {
            token.ThrowIfCancellationRequested();
        }

        return milliseconds;
    }

    public static async Task<int> DoubleAsync(int x)
    {
        await Task.Delay(1).ConfigureAwait(false);
        return 2 * x;
    }

    public static async Task<int> AddAsync(int x, int y, CancellationToken token)
    {
        await Task.Delay(1, token).ConfigureAwait(false);
        return x + y;
    }

    public static async Task TouchAsync(string key)
    {
        await Task.Delay(1).ConfigureAwait(false);
        Probe.Of(key).Enter(0);
    }

    public static async Task<int> WaitForTokenAsync(string key, int item, CancellationToken token)
    {
        Probe.Of(key).Enter(item);
        await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false);
        return item;
    }

    /// <summary>Returns a task that never completes.</summary>
    public static Task<int> NeverCompletes(string key)
    {
        Probe.Of(key).Enter(0);
        return new TaskCompletionSource<int>().Task;
    }
}

/// <summary>An item of a <c>MapAsync</c> in the stopping tests: the probe to record in, and which item it is.</summary>
public sealed record StopItem(string Key, int Item)
{
    /// <summary>Item 0 returns at once; any other waits for its call's token (from <see cref="CallContext"/>) and ends canceled.</summary>
    public static int FirstQuickRestWait(StopItem item)
    {
        Probe.Of(item.Key).Enter(item.Item);
        if (item.Item > 0)
        {
            CallContext.CancellationToken.WaitHandle.WaitOne(Probe.Bound);
            CallContext.CancellationToken.ThrowIfCancellationRequested();
        }

        return item.Item;
    }
}
