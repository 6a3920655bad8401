namespace ActorPool.Launching;

/// <summary>
/// The justification for the few reflection sites the trim analyzer flags: they resolve, by name, methods, exception types and
/// payload types of the app's own, in a worker that is the same binary as its parent. ActorPool does not support trimmed apps
/// (Akka.NET is not trimmable either), and <see cref="ChildProgram.Of"/> refuses them before any such site runs.
/// </summary>
internal static class TrimmingNotSupported
{
    public const string Justification =
        "ActorPool refuses trimmed apps at a pool's constructor (ChildProgram.Of); untrimmed, the names resolve to the app's own code.";
}
