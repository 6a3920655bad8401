using Akka.Event;

namespace ActorPool.Transport;

/// <summary>
/// Akka's console logger, minus the lines Akka.Remote writes whenever a peer closes its connection. In a process
/// pool's own actor systems the only peers are worker processes and their parent, and in a cluster pool's they are
/// its nodes: they come and go by design (shutdown, maxTasksPerChild, a node leaving, a crash already reported on the
/// futures it held); a user's own system keeps its logger. That includes DotNetty's warning that it could not half-close
/// a connection the peer had already closed (a worker exits as soon as its stdin ends). Also dropped: remoting's warning that its shutdown flush
/// may have lost messages; an executor shuts its system down only after every call's result has arrived, so what is
/// left to flush is DeathWatch chatter with processes already gone.
/// </summary>
internal sealed class QuietRemotingLogger : DefaultLogger
{
    private static readonly string[] PeerGone =
        ["Disassociated", "Unable to REMOVE channel", "has failed; address is now gated", "Tried to associate with unreachable remote address",
         "flushing might not have been successful", "Half-close failed on channel"];

    protected override void Print(LogEvent logEvent)
    {
        var text = logEvent.Message?.ToString() ?? "";
        if (!PeerGone.Any(p => text.Contains(p, StringComparison.Ordinal)) && logEvent.Cause?.GetType().Name != "EndpointDisassociatedException")
        {
            base.Print(logEvent);
        }
    }
}
