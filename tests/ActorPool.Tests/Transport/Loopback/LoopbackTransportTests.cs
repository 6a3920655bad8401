using ActorPool.Configuration;
using ActorPool.Transport.Loopback;
using Akka.Actor;
using Akka.Configuration;

namespace ActorPool.Tests.Transport.Loopback;

/// <summary>The process pools' Akka.Remote transport, between this test's system and a second one in the same process, on real sockets.</summary>
public sealed class LoopbackTransportTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly ActorSystem other = ActorSystem.Create("other", ActorPoolConfig.ProcessSystemConfig);

    public LoopbackTransportTests()
        : base(ActorPoolConfig.ProcessSystemConfig)
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
    [Trait("Category", "Slow")] // 128 MiB each way
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
    [Trait("Category", "Slow")] // tens of seconds when the failure detector has to see the system gone
    public async Task Terminate_OtherSystem_ItsActorsAreSeenTerminated()
    {
        var echo = RemoteEcho();
        Watch(echo);
        echo.Tell("up"); // the association is up (its handshake done) and the watch on its way before the system goes
        ExpectMsg("up", Generous);

        await other.Terminate().WaitAsync(Generous);

        // Usually the watched actor's own notification; failing that, the failure detector (30 s pause) sees the system gone.
        ExpectTerminated(echo, 2 * Generous);
    }

    [Fact]
    public void Constructor_HostnameNotLoopback_ThrowsNamingIt()
    {
        var config = ConfigurationFactory.ParseString("hostname = \"10.1.2.3\"");

        var error = Assert.Throws<ConfigurationException>(() => new LoopbackTransport(Sys, config));

        Assert.Contains("'10.1.2.3'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Connect_AnsweringTheChallengeWithoutTheKey_IsClosedWithoutAProof()
    {
        using var socket = Connect();
        var challenge = Receive(socket, LoopbackHandshake.ChallengeSize);
        var response = LoopbackHandshake.Respond(new byte[32], challenge, PortsOf(socket), out _)!; // a key of zeros: not this process's

        socket.Send(response);

        AssertClosed(socket); // no proof, no frame, nothing from Akka
    }

    [Fact]
    public void Connect_AnsweringTheChallengeWithTheKey_GetsTheAcceptorsProof()
    {
        using var socket = Connect();
        var challenge = Receive(socket, LoopbackHandshake.ChallengeSize);
        var response = LoopbackHandshake.Respond(LoopbackHandshake.Key, challenge, PortsOf(socket), out var nonce)!;

        socket.Send(response);

        Assert.True(LoopbackHandshake.Accepts(LoopbackHandshake.Key, challenge, nonce, Receive(socket, LoopbackHandshake.ProofSize), PortsOf(socket)));
    }

    [Fact]
    public void Connect_RelayingAnotherConnectionsAnswer_IsClosedWithoutAProof()
    {
        // A stranger in the middle: it answers with the key for other ports than this connection's, as a relay would.
        using var socket = Connect();
        var challenge = Receive(socket, LoopbackHandshake.ChallengeSize);
        var elsewhere = new LoopbackHandshake.Ports(PortsOf(socket).Acceptor, PortsOf(socket).Connector + 1);

        socket.Send(LoopbackHandshake.Respond(LoopbackHandshake.Key, challenge, elsewhere, out _)!);

        AssertClosed(socket);
    }

    [Fact]
    public void Connect_SendingGarbageOrNothing_IsDroppedAndOthersStillConnect()
    {
        using var garbage = Connect();
        Receive(garbage, LoopbackHandshake.ChallengeSize);
        garbage.Send(Enumerable.Repeat((byte)0xFF, LoopbackHandshake.ResponseSize + 100).ToArray());
        var silent = Enumerable.Range(0, LoopbackGate.MaxPending + 8).Select(_ => Connect()).ToList();

        AssertClosed(garbage);
        Receive(silent[0], LoopbackHandshake.ChallengeSize);
        AssertClosed(silent[0]); // the oldest silent ones were pushed out by the newer
        silent.ForEach(s => s.Dispose());
        var echo = RemoteEcho(); // and a process with the key still gets through
        echo.Tell("after");
        ExpectMsg("after", Generous);
    }

    private static LoopbackHandshake.Ports PortsOf(System.Net.Sockets.Socket socket) =>
        new(((System.Net.IPEndPoint)socket.RemoteEndPoint!).Port, ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port);

    private System.Net.Sockets.Socket Connect()
    {
        var port = ((ExtendedActorSystem)other).Provider.DefaultAddress.Port!.Value;
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveTimeout = 30_000 };
        socket.Connect(System.Net.IPAddress.Loopback, port);
        return socket;
    }

    /// <summary>The other side closed the connection: an end of stream, or a reset where it closed with our bytes unread.</summary>
    private static void AssertClosed(System.Net.Sockets.Socket socket)
    {
        try
        {
            Assert.Equal(0, socket.Receive(new byte[64]));
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionReset)
        {
            // closed with unread bytes: a reset
        }
    }

    private static byte[] Receive(System.Net.Sockets.Socket socket, int count)
    {
        var buffer = new byte[count];
        for (var have = 0; have < count;)
        {
            var received = socket.Receive(buffer, have, count - have, System.Net.Sockets.SocketFlags.None);
            Assert.NotEqual(0, received);
            have += received;
        }

        return buffer;
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
