using Akka.Actor;

namespace LocalCluster;

/// <summary>The worker node processes the demo starts, and how it takes one away mid-run.</summary>
internal interface IDemoNodes : IDisposable
{
    IReadOnlyList<int> Pids { get; }

    /// <summary>How <see cref="Disrupt"/> takes a node away, for the summary: "SIGKILL", "cut off".</summary>
    string Disruption { get; }

    /// <summary>Starts <paramref name="count"/> nodes; <paramref name="output"/> gets the lines they print.</summary>
    void Start(Address seed, string secret, int count, int workers, Action<string> output);

    /// <summary>Takes node <paramref name="index"/> away (kills it, or cuts it off); answers what was done, for the event line.</summary>
    string Disrupt(int index);
}
