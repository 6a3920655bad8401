using Akka.Actor;
using Akka.Event;

namespace ActorPool.Security;

/// <summary>
/// Keeps ActorPool's actors that run code or start processes from being created by remote deployment, in any actor
/// system: ActorPool's own systems refuse remote deployment altogether (untrusted mode), but a system of the app's
/// may allow it, and there a peer could otherwise deploy a call-running worker with a secret of its own choosing.
/// Akka creates every remotely deployed actor under the system's <c>/remote</c> daemon, which ActorPool never does.
/// </summary>
internal static class RemoteDeploymentGuard
{
    /// <summary>
    /// True, with a warning logged and the actor stopping, if <paramref name="context"/>'s actor was deployed from
    /// another system; its <c>PreStart</c> must then do nothing else, and it must ignore every message.
    /// </summary>
    public static bool Refuses(IActorContext context, string what)
    {
        if (context.Self.Path.Elements is not ["remote", ..])
        {
            return false;
        }

        context.GetLogger().Warning(
            "Refused to start {0} at {1}: it was deployed by another actor system, and ActorPool's actors are created only by ActorPool. " +
            "Set akka.remote.untrusted-mode = on in this system to refuse every remote deployment.", what, context.Self.Path);
        context.Stop(context.Self);
        return true;
    }
}
