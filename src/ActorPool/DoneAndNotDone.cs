namespace ActorPool;

/// <summary>What <see cref="Future.Wait"/> returns: the futures that completed and those that did not.</summary>
/// <param name="Done">Futures that finished, failed, or were canceled and seen by their executor.</param>
/// <param name="NotDone">Every other future passed in.</param>
/// <remarks>Python's <c>DoneAndNotDoneFutures</c> named tuple.</remarks>
public sealed record DoneAndNotDone(IReadOnlySet<Future> Done, IReadOnlySet<Future> NotDone);
