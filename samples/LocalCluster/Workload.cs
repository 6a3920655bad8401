using ActorPool;

namespace LocalCluster;

/// <summary>
/// The demo's calls: the seed's sleeping calls scaled up (60 of 0.5–1.5 s) with a CPU-bound one mixed in
/// (counting the primes in 12 ranges), all submitted at once so that the queue outlives the node the demo kills.
/// </summary>
internal sealed class Workload
{
    private const int RangeStart = 40_000_000;
    private const int RangeSize = 200_000;

    private Workload(Executor executor)
    {
        for (var i = 0; i < 60; i++)
        {
            var seconds = 0.5 + (i * 37 % 101 / 100.0); // spread over 0.5–1.5 s, the same every run
            Sleeps.Add(executor.Submit(Calls.DoSomething, seconds));
            if (i % 5 == 4)
            {
                var from = RangeStart + (Primes.Count * RangeSize);
                Primes.Add(executor.Submit(Calls.CountPrimes, from, from + RangeSize));
            }
        }
    }

    public List<Future<Ran<string>>> Sleeps { get; } = [];

    public List<Future<Ran<int>>> Primes { get; } = [];

    public IEnumerable<Future> All => Sleeps.Concat<Future>(Primes);

    public int Count => Sleeps.Count + Primes.Count;

    /// <summary>What the prime ranges were: "[40,000,000, 42,400,000)".</summary>
    public string PrimeSpan => $"[{RangeStart:N0}, {RangeStart + (Primes.Count * RangeSize):N0})";

    public static Workload Submit(Executor executor) => new(executor);
}
