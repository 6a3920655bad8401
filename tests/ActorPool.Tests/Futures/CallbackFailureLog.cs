using ActorPool.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ActorPool.Tests.Futures;

/// <summary>
/// Captures what ActorPool logs when a done-callback throws on a future no executor made: it goes to
/// <see cref="ActorPoolLogging.DefaultLoggerFactory"/>, which this sets once, on first use, to a capture and never
/// resets (other tests may log meanwhile); each test puts a marker of its own in its callback's exception and reads
/// back only the records carrying it.
/// </summary>
internal static class CallbackFailureLog
{
    private const string MarkerPrefix = "callback-failure-marker-";

    private static readonly Lazy<LogCapture> Installed = new(() =>
    {
        var capture = new LogCapture();
        ActorPoolLogging.DefaultLoggerFactory = capture.Factory;
        return capture;
    });

    /// <summary>A marker no other test uses; installs the capture first, so nothing logged after this is missed.</summary>
    public static string NewMarker()
    {
        _ = Installed.Value;
        return MarkerPrefix + Guid.NewGuid().ToString("N");
    }

    /// <summary>The records whose exception carries <paramref name="marker"/>.</summary>
    public static LogCapture.LogRecord[] EntriesWith(string marker) =>
        Installed.Value.Records.Where(r => r.Exception?.Message.Contains(marker, StringComparison.Ordinal) == true).ToArray();

    /// <summary>Asserts that <paramref name="entry"/> is Python's "exception calling callback" record, at Error, under <c>ActorPool.Future</c>.</summary>
    public static void AssertCallbackFailure(LogCapture.LogRecord entry)
    {
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal("ActorPool.Future", entry.Category);
        Assert.Equal(1, entry.EventId);
        Assert.StartsWith("Exception calling callback for ", entry.Message, StringComparison.Ordinal);
    }
}
