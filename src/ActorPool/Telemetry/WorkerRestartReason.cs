namespace ActorPool.Telemetry;

/// <summary>The values of <c>actorpool.worker.restarts</c>'s <c>reason</c> tag.</summary>
internal static class WorkerRestartReason
{
    /// <summary>A worker process exited unexpectedly while the pool was running.</summary>
    public const string Crashed = "crashed";

    /// <summary>A worker process retired after <c>maxTasksPerChild</c> calls.</summary>
    public const string Recycled = "recycled";

    /// <summary>A worker was given up on to stop a call that overstayed its grace period: a process killed, a thread abandoned.</summary>
    public const string Stopped = "stopped";

    /// <summary>A worker process went over <see cref="ExecutorPolicy.WorkerMemorySoftLimit"/> (recycled after its call) or
    /// <see cref="ExecutorPolicy.WorkerMemoryHardLimit"/> (killed during it).</summary>
    public const string Memory = "memory";
}
