namespace ActorPool.Logging;

/// <summary>The categories ActorPool logs under (docs/telemetry.md lists them with their event ids).</summary>
internal static class LogCategories
{
    public const string ThreadPool = "ActorPool.ThreadPool";

    public const string ProcessPool = "ActorPool.ProcessPool";

    public const string Cluster = "ActorPool.Cluster";

    /// <summary>A worker process's own records, logged in its parent with the worker's pid.</summary>
    public const string Worker = "ActorPool.Worker";

    /// <summary>A future no executor made.</summary>
    public const string Future = "ActorPool.Future";

    /// <summary>Akka's own records from an executor's private actor system, when the executor has a logger factory.</summary>
    public const string AkkaPrefix = "Akka";
}
