using System.Diagnostics;

namespace ActorPool.Tests.Support;

/// <summary>
/// What code running inside a request carries in its execution context: a current activity and an async-local value. The
/// tests of what an executor keeps of the code that made it make it <see cref="Make"/>, then read <see cref="Seen"/> where
/// its threads, timers and callbacks run: (null, null) unless that context leaked there.
/// </summary>
internal static class InsideARequest
{
    private static readonly AsyncLocal<string?> Ambient = new();

    /// <summary>Runs <paramref name="make"/> with a request's activity current and its async-local set; both are gone after.</summary>
    public static T Make<T>(Func<T> make)
    {
        using (new Activity("actorpool.tests.request").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            Ambient.Value = "request";
            try
            {
                return make();
            }
            finally
            {
                Ambient.Value = null;
            }
        }
    }

    /// <summary>The current activity's name and the async-local value, where this runs.</summary>
    public static (string? Activity, string? Ambient) Seen() => (Activity.Current?.OperationName, Ambient.Value);
}
