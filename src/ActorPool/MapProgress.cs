namespace ActorPool;

/// <summary>How far a <c>Map</c> or <c>MapAsync</c> has got: items whose calls have ended, of how many.</summary>
/// <param name="Completed">Items whose call (or chunk) has ended, with a result or an exception; canceled ones are not counted.</param>
/// <param name="Total">
/// How many items there are: null until it is known. <c>Map</c> knows it once it has submitted every item (at once,
/// unless a buffer size makes it read the items as results are taken); <c>MapAsync</c> once its source has ended.
/// </param>
/// <remarks>Beyond Python.</remarks>
public readonly record struct MapProgress(int Completed, int? Total);
