namespace ActorPool.Telemetry;

/// <summary>The values of <c>actorpool.calls.completed</c>'s <c>outcome</c> tag.</summary>
internal static class CallOutcome
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Canceled = "canceled";

    /// <summary>Stopped by its <see cref="CallOptions.Timeout"/>; a call that throws a <see cref="TimeoutException"/> of its own is a failure.</summary>
    public const string Timeout = "timeout";
}
