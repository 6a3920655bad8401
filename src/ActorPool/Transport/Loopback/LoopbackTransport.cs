using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport;

namespace ActorPool.Transport.Loopback;

/// <summary>
/// The Akka.Remote transport between a process pool and its workers (scheme <c>akka.loopback</c>): TCP on the
/// loopback interface, where a write is sent, without blocking, by the thread that makes it (remoting's endpoint
/// writer; a thread of the connection's own sends what a full socket did not take) and each connection has a thread
/// of its own that reads frames and hands them to Akka.
/// </summary>
/// <remarks>
/// Akka's default transport (DotNetty) moves each write onto its event loop and each read from the socket's
/// completion thread onto that loop: four thread hand-overs per round trip that cost more, on two cores, than
/// the rest of remoting. Threads per connection suit a pool's handful of local workers, not a cluster, so the
/// transport binds loopback addresses only. Akka's protocol layer (handshake, heartbeats, DeathWatch) runs on
/// top of it unchanged. Configured at <c>actorpool.process-pool.remoting.akka.remote.loopback</c>.
/// <para>
/// Every connection proves, both ways, that it knows this process's transport key before Akka sees it
/// (<see cref="LoopbackHandshake"/>, run for all incoming connections by one <see cref="LoopbackGate"/> thread): another
/// local user can connect, but cannot make this process allocate more than a few bytes, start a thread, or hear anything
/// from Akka. The key is shared with the worker processes this process starts, over their stdin, and with nobody else.
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Akka.Remote ends a transport with Shutdown, which disposes the listener; it never disposes transports.")]
internal sealed class LoopbackTransport : Akka.Remote.Transport.Transport
{
    private readonly LoopbackSettings settings;
    private readonly ConcurrentDictionary<LoopbackAssociation, bool> open = new();
    private LoopbackGate? gate;
    private long lastRefusalLogged;
    private int refusalsUnlogged;

    /// <summary>Created by Akka.Remote from the transport's HOCON section (see <c>transport-class</c>).</summary>
    public LoopbackTransport(ActorSystem system, Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        System = system;
        Config = config;
        SchemeIdentifier = "loopback";
        settings = LoopbackSettings.From(config);
        MaximumPayloadBytes = settings.MaximumFrameSize;
    }

    /// <inheritdoc />
    public override bool IsResponsibleFor(Address remote) => true;

    /// <inheritdoc />
    public override Task<(Address, TaskCompletionSource<IAssociationEventListener>)> Listen()
    {
        var listener = new Socket(settings.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(settings.Address, settings.Port));
        listener.Listen();
        var local = AddressOf((IPEndPoint)listener.LocalEndPoint!);
        var accepted = new TaskCompletionSource<IAssociationEventListener>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Akka sets the listener once every transport listens; connections wait in the backlog until then. Only a
        // connection that proved this process's key reaches Akka (see LoopbackGate).
        var opened = new LoopbackGate(listener, LoopbackHandshake.Key, settings.HandshakeTimeout,
            socket => accepted.Task.Result.Notify(new InboundAssociation(Open(socket, local, AddressOf((IPEndPoint)socket.RemoteEndPoint!)))),
            Refused);
        gate = opened;
        accepted.Task.ContinueWith(_ => opened.Start(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        return Task.FromResult((local, accepted));
    }

    /// <inheritdoc />
    public override async Task<AssociationHandle> Associate(Address remoteAddress)
    {
        ArgumentNullException.ThrowIfNull(remoteAddress);
        if (remoteAddress.Host is not { } host || remoteAddress.Port is not { } remotePort || !IPAddress.TryParse(host, out var ip))
        {
            throw new InvalidAssociationException($"'{remoteAddress}' is not an address of the loopback transport (akka.loopback://system@127.0.0.1:port).");
        }

        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // A synchronous connect: a socket that once ran an async operation is watched by .NET's epoll thread, which
            // then wakes a thread-pool thread for every frame that arrives, though no one waits for it that way.
            // The handshake's reads are blocking too, each of a known size and within the handshake timeout.
            await Task.Run(() =>
            {
                socket.Connect(new IPEndPoint(ip, remotePort));
                LoopbackHandshake.Connect(socket, LoopbackHandshake.Key, settings.HandshakeTimeout);
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or InvalidDataException)
        {
            socket.Dispose();
            throw new InvalidAssociationException($"Could not connect to {remoteAddress}: {e.Message}", e);
        }

        return Open(socket, AddressOf((IPEndPoint)socket.LocalEndPoint!), remoteAddress);
    }

    /// <inheritdoc />
    public override Task<bool> Shutdown()
    {
        gate?.Stop();
        foreach (var association in open.Keys)
        {
            association.Close();
        }

        return Task.FromResult(true);
    }

    /// <summary>
    /// A warning for a connection refused at the gate, at most one a minute (with how many went unlogged), so a
    /// stranger knocking shows in the log without flooding it.
    /// </summary>
    private void Refused(string why)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref lastRefusalLogged);
        if (last != 0 && now - last < 60_000)
        {
            Interlocked.Increment(ref refusalsUnlogged);
            return;
        }

        Interlocked.Exchange(ref lastRefusalLogged, now);
        var unlogged = Interlocked.Exchange(ref refusalsUnlogged, 0);
        System.Log.Warning("ActorPool's loopback transport refused a connection: {0}{1}.", why,
            unlogged > 0 ? $" ({unlogged} more refused since the last such warning)" : "");
    }

    private LoopbackAssociation Open(Socket socket, Address local, Address remote)
    {
        socket.NoDelay = true;
        socket.Blocking = false; // a write never waits for the other process to read (see LoopbackAssociation.Write)
        socket.SendBufferSize = settings.SocketBufferSize;
        socket.ReceiveBufferSize = settings.SocketBufferSize;
        var association = new LoopbackAssociation(socket, local, remote, MaximumPayloadBytes, closed => open.TryRemove(closed, out _));
        open[association] = true;
        return association;
    }

    private Address AddressOf(IPEndPoint endpoint) => new(SchemeIdentifier, System.Name, endpoint.Address.ToString(), endpoint.Port);

    // Not with the context of whatever opened the association (see WithoutCallerContext).
    internal static void StartThread(Action run, string name) => new Thread(() => run()) { IsBackground = true, Name = name }.UnsafeStart();
}
