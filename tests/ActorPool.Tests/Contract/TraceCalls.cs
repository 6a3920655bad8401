using System.Diagnostics;

namespace ActorPool.Tests.Contract;

/// <summary>
/// The calls of the tracing tests (<c>ExecutorContractTests.Tracing.cs</c>): static, so a process pool and a cluster node
/// can run them. Each says what the function sees of <see cref="Activity.Current"/>, as
/// <c>{trace id}/{parent span id}/{span id}</c>, or <see cref="None"/>.
/// </summary>
internal static class TraceCalls
{
    public const string None = "none";

    public static string Seen() => Describe(Activity.Current);

    public static string SeenWith(int item) => item >= 0 ? Seen() : None;

    /// <summary>What an async function sees after its first await resumed on another thread.</summary>
    public static async Task<string> SeenAfterAwait()
    {
        await Task.Delay(10).ConfigureAwait(false);
        return Seen();
    }

    public static string Describe(Activity? activity) =>
        activity is null ? None : $"{activity.TraceId.ToHexString()}/{activity.ParentSpanId.ToHexString()}/{activity.SpanId.ToHexString()}";

    /// <summary>The trace id and parent span id of what <see cref="Describe"/> wrote.</summary>
    public static (string TraceId, string ParentSpanId) Parse(string seen)
    {
        var parts = seen.Split('/');
        return parts.Length == 3 ? (parts[0], parts[1]) : throw new Xunit.Sdk.XunitException($"The function saw no activity ({seen}).");
    }
}
