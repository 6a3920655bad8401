namespace ActorPool.Tests.Futures;

/// <summary>The six hand-built futures of CPython's test util.py (PENDING_FUTURE ... SUCCESSFUL_FUTURE).</summary>
public enum FutureKind
{
    Pending,
    Running,
    Canceled,
    CanceledAndNotified,
    Failed,
    Successful,
}

/// <summary>
/// Bare futures in each state, built only through the public API (CPython pokes <c>_state</c> directly).
/// Each call returns a fresh future, so tests running in parallel never share one.
/// </summary>
internal static class TestFutures
{
    /// <summary>The result of <see cref="Successful"/>, as SUCCESSFUL_FUTURE's.</summary>
    public const int SuccessfulResult = 42;

    public static Future<int> Create(FutureKind kind) => kind switch
    {
        FutureKind.Pending => Pending(),
        FutureKind.Running => Running(),
        FutureKind.Canceled => Canceled(),
        FutureKind.CanceledAndNotified => CanceledAndNotified(),
        FutureKind.Failed => Failed(new IOException("EXCEPTION_FUTURE")),
        FutureKind.Successful => Successful(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static Future<int> Pending() => new();

    public static Future<int> Running()
    {
        var future = new Future<int>();
        Assert.True(future.SetRunningOrNotifyCancel());
        return future;
    }

    /// <summary>Canceled, but not yet seen by an executor: <c>IsDone</c>, yet not done for Wait/AsCompleted.</summary>
    public static Future<int> Canceled()
    {
        var future = new Future<int>();
        Assert.True(future.Cancel());
        return future;
    }

    public static Future<int> CanceledAndNotified()
    {
        var future = Canceled();
        Assert.False(future.SetRunningOrNotifyCancel());
        return future;
    }

    public static Future<int> Failed(Exception error)
    {
        var future = new Future<int>();
        future.SetException(error);
        return future;
    }

    public static Future<int> Successful()
    {
        var future = new Future<int>();
        future.SetResult(SuccessfulResult);
        return future;
    }

    /// <summary>
    /// Whether Wait counts <paramref name="future"/> as done: finished, or canceled and notified. This is how a
    /// test tells CPython's CANCELLED from CANCELLED_AND_NOTIFIED from outside.
    /// </summary>
    public static bool CountsAsDoneForWaiters(Future future) => Future.Wait([future], TimeSpan.Zero).Done.Contains(future);
}
