using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ActorPool.Tests.Support;

/// <summary>
/// Listens to the <c>ActorPool</c> meter and keeps the measurements of one executor (by its <c>actorpool.executor.name</c>),
/// so tests that run side by side, each with executors of its own, do not see each other's calls.
/// </summary>
internal sealed class MeterCapture : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly string executorName;
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> measurements = new();

    public MeterCapture(string executorName)
    {
        this.executorName = executorName;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ActorPool")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
    }

    /// <summary>The sum of <paramref name="instrument"/>'s measurements whose tags include <paramref name="tag"/>, if given.</summary>
    public double Sum(string instrument, (string Key, string Value)? tag = null) =>
        Matching(instrument, tag).Sum(m => m.Value);

    /// <summary>How many measurements <paramref name="instrument"/> made (for a histogram: how many values it recorded).</summary>
    public int Count(string instrument) => Matching(instrument, null).Count();

    /// <summary>The values <paramref name="instrument"/> recorded, in order.</summary>
    public List<double> Values(string instrument) => Matching(instrument, null).Select(m => m.Value).ToList();

    /// <summary>The tag keys every measurement of <paramref name="instrument"/> carried.</summary>
    public IEnumerable<string> TagKeys(string instrument) =>
        Matching(instrument, null).SelectMany(m => m.Tags.Keys).Distinct();

    /// <summary>Reads the observable instruments (the <c>actorpool.workers</c> gauge) now.</summary>
    public void Observe() => listener.RecordObservableInstruments();

    /// <summary>The value of <paramref name="instrument"/>'s last measurement, or null if it made none.</summary>
    public double? Last(string instrument) => Matching(instrument, null).Select(m => (double?)m.Value).LastOrDefault();

    public void Dispose() => listener.Dispose();

    private IEnumerable<(string Instrument, double Value, Dictionary<string, object?> Tags)> Matching(string instrument, (string Key, string Value)? tag) =>
        measurements.Where(m => m.Instrument == instrument
            && (tag is not { } t || (m.Tags.TryGetValue(t.Key, out var value) && Equals(value, t.Value))));

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(tags.Length);
        foreach (var (key, tagValue) in tags)
        {
            copy[key] = tagValue;
        }

        if (copy.TryGetValue("actorpool.executor.name", out var name) && Equals(name, executorName))
        {
            measurements.Enqueue((instrument.Name, value, copy));
        }
    }
}
