namespace ActorPool.Configuration;

/// <summary>The rule every executor applies to the number of workers it is given.</summary>
internal static class WorkerCount
{
    /// <summary>Returns <paramref name="maxWorkers"/> if positive; throws Python's error otherwise.</summary>
    public static int Validate(int maxWorkers) =>
        maxWorkers > 0 ? maxWorkers : throw new ArgumentOutOfRangeException(nameof(maxWorkers), maxWorkers, "max_workers must be greater than 0");
}
