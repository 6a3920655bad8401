using System.Diagnostics;

namespace ActorPool.Tests.Futures;

/// <summary>
/// Captures what ActorPool writes to <see cref="Trace"/> when a done-callback throws. One listener is added on first
/// use and never removed (removing a listener while another thread traces can break that thread's trace call);
/// each test puts a marker of its own in its callback's exception and reads back only the entries carrying it.
/// </summary>
internal static class CallbackFailureLog
{
    private const string MarkerPrefix = "callback-failure-marker-";

    private static readonly Lazy<Listener> Installed = new(() =>
    {
        var listener = new Listener();
        Trace.Listeners.Add(listener);
        return listener;
    });

    /// <summary>A marker no other test uses; installs the listener first, so nothing written after this is missed.</summary>
    public static string NewMarker()
    {
        _ = Installed.Value;
        return MarkerPrefix + Guid.NewGuid().ToString("N");
    }

    public static TraceEntry[] EntriesWith(string marker) => Installed.Value.EntriesWith(marker);

    /// <summary>One trace event (or a bare Write/WriteLine, with no type).</summary>
    public sealed record TraceEntry(TraceEventType? Type, string Message);

    private sealed class Listener : TraceListener
    {
        private readonly List<TraceEntry> entries = [];

        public TraceEntry[] EntriesWith(string marker)
        {
            lock (entries)
            {
                return entries.Where(e => e.Message.Contains(marker, StringComparison.Ordinal)).ToArray();
            }
        }

        public override void TraceEvent(TraceEventCache? eventCache, string source, TraceEventType eventType, int id, string? message) =>
            Record(eventType, message);

        public override void TraceEvent(TraceEventCache? eventCache, string source, TraceEventType eventType, int id, string? format, params object?[]? args) =>
            Record(eventType, args is null || format is null ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public override void Write(string? message) => Record(null, message);

        public override void WriteLine(string? message) => Record(null, message);

        private void Record(TraceEventType? type, string? message)
        {
            if (message is null || !message.Contains(MarkerPrefix, StringComparison.Ordinal))
            {
                return;
            }

            lock (entries)
            {
                entries.Add(new TraceEntry(type, message));
            }
        }
    }
}
