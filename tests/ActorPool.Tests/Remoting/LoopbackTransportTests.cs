using ActorPool.Configuration;
using ActorPool.Remoting;
using Akka.Actor;
using Akka.Configuration;

namespace ActorPool.Tests.Remoting;

/// <summary>The process pools' Akka.Remote transport, between this test's system and a second one in the same process, on real sockets.</summary>
public sealed class LoopbackTransportTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly ActorSystem other = ActorSystem.Create("other", ActorPoolSettings.ProcessSystemConfig);

    public LoopbackTransportTests()
        : base(ActorPoolSettings.ProcessSystemConfig)
    {
    }

    [Fact]
    public void Ask_ToAnotherSystem_TravelsOverAkkaLoopback()
    {
        var echo = RemoteEcho();

        Assert.Equal("akka.loopback", echo.Path.Address.Protocol);
        echo.Tell("ping");
        ExpectMsg("ping", Generous);
    }

    [Fact]
    public void Tell_LargeMessagesBothWaysAtOnce_AllArriveWholeAndInOrder()
    {
        var echo = RemoteEcho();
        const int Messages = 4;
        const int Size = 32 << 20; // past both sockets' buffers (4 MiB, which Linux doubles): sends outrun the reader and queue

        // The echo answers each message while later ones are still on their way: both directions are full at once.
        for (var i = 0; i < Messages; i++)
        {
            var message = new byte[Size];
            Array.Fill(message, (byte)i);
            echo.Tell(message);
        }

        for (var i = 0; i < Messages; i++)
        {
            var back = ExpectMsg<byte[]>(Generous);
            Assert.Equal(Size, back.Length);
            Assert.True(back.All(b => b == i), $"message {i} came back with other bytes in it");
        }
    }

    [Fact]
    public async Task Terminate_OtherSystem_ItsActorsAreSeenTerminated()
    {
        var echo = RemoteEcho();
        Watch(echo);

        await other.Terminate().WaitAsync(Generous);

        ExpectTerminated(echo, Generous);
    }

    [Fact]
    public void Constructor_HostnameNotLoopback_ThrowsNamingIt()
    {
        var config = ConfigurationFactory.ParseString("hostname = \"10.1.2.3\"");

        var error = Assert.Throws<ConfigurationException>(() => new LoopbackTransport(Sys, config));

        Assert.Contains("'10.1.2.3'", error.Message, StringComparison.Ordinal);
    }

    protected override void AfterAll()
    {
        other.Terminate().Wait(Generous);
        base.AfterAll();
    }

    private IActorRef RemoteEcho()
    {
        other.ActorOf(Props.Create(() => new Echo()), "echo");
        var address = ((ExtendedActorSystem)other).Provider.DefaultAddress;
        // By reference: the systems refuse inbound actor selections (untrusted mode).
        return ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(new RootActorPath(address) / "user" / "echo");
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(message => Sender.Tell(message));
    }
}
