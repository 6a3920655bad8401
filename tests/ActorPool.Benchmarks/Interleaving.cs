namespace ActorPool.Benchmarks;

/// <summary>
/// The order in which the compared things run in a round: as listed in even rounds (0, 2, ...), reversed in odd ones,
/// so of any two, each runs first in every other round. What runs second inherits the first one's leftovers (a warm
/// or busy CPU, a GC debt, a worker process still exiting); alternating spreads that over both instead of charging one.
/// </summary>
internal static class Interleaving
{
    public static IReadOnlyList<T> Order<T>(IReadOnlyList<T> contenders, int round) =>
        round % 2 == 0 ? contenders : [.. contenders.Reverse()];
}
