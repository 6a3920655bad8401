namespace ActorPool.Hosting.Services;

/// <summary>An executor with the name it is resolved by, and whether it was marked as its type's default.</summary>
internal sealed record NamedExecutor(string Name, Executor Executor, bool IsDefault);
