using ActorPool.Calls;

namespace ActorPool.Tests.Support;

/// <summary>The hand-over ticket behind an executor's future, for tests that look at where a call stands.</summary>
internal static class Tickets
{
    public static CallTicket Ticket(this Future future) => (CallTicket)future.StartGate!;
}
