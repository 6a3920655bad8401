using Akka.Actor;
using Akka.Configuration;

namespace ActorPool.Tests.Support;

/// <summary>Actor systems for tests: every message is serialized on send, to catch one that could not cross a wire.</summary>
public static class TestSystems
{
    public static readonly Config Strict = ConfigurationFactory.ParseString("""
        akka.actor.serialize-messages = on
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters-during-shutdown = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """);

    public static ActorSystem Create(string name = "test") => ActorSystem.Create(name, Strict);
}
