namespace ActorPool.Tests.Support;

/// <summary>
/// Runs a test's blocking wait (a node stopping, a submitter held by a full queue, a shutdown that waits) on a thread of
/// its own. <c>Task.Run</c> would hold a .NET thread-pool thread for seconds, and this process's pool also runs the
/// coordinators' and parents' actor systems of the tests running beside it: with both of a 2-core pool's threads held,
/// their cluster heartbeats wait for the pool to grow, and the failure detector warns (or suspects a live node).
/// </summary>
internal static class Blocking
{
    public static Task<T> Run<T>(Func<T> wait) =>
        Task.Factory.StartNew(wait, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public static Task Run(Action wait) =>
        Task.Factory.StartNew(wait, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
