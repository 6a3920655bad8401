using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActorPool.Transport.Loopback;

/// <summary>
/// The listening side of the <see cref="LoopbackTransport"/>: one thread accepts connections and runs every
/// connection's <see cref="LoopbackHandshake"/> until it has proved the key. A connection costs that thread nothing but
/// a poll entry and about a hundred bytes until then; at most <see cref="MaxPending"/> wait at once (a new one pushes out the
/// oldest), none for longer than the handshake timeout. Only a proven connection is handed on, to get a reading thread
/// of its own and reach Akka.
/// </summary>
internal sealed class LoopbackGate
{
    /// <summary>
    /// Connections waiting for their proof at once (a new one pushes out the oldest). A real peer answers within
    /// microseconds, and each round reads what pending connections sent before it accepts at most
    /// <see cref="AcceptsPerRound"/> more, so a flood must outpace many rounds to push out a real peer's handshake.
    /// </summary>
    public const int MaxPending = 1024;

    /// <summary>Connections accepted per round of the gate's loop, after the pending ones were read.</summary>
    private const int AcceptsPerRound = 32;

    private sealed class Pending(Socket socket, byte[] challenge, long deadline)
    {
        public Socket Socket { get; } = socket;

        public byte[] Challenge { get; } = challenge;

        public byte[] Response { get; } = new byte[LoopbackHandshake.ResponseSize];

        public int Received { get; set; }

        public long Deadline { get; } = deadline;
    }

    private readonly Socket listener;
    private readonly byte[] key;
    private readonly TimeSpan timeout;
    private readonly Action<Socket> proven;
    private readonly Action<string> refused;
    // Touched by the gate's thread only. Oldest first: every connection has the same timeout, so they expire in this order.
    private readonly LinkedList<Pending> pending = new();
    private readonly Dictionary<Socket, LinkedListNode<Pending>> bySocket = new(ReferenceEqualityComparer.Instance);
    private volatile bool stopped;

    /// <param name="listener">A bound, listening socket; the gate makes it non-blocking and owns it from now on.</param>
    /// <param name="key">The key a connector must prove.</param>
    /// <param name="timeout">How long a connection may take to prove it.</param>
    /// <param name="proven">Gets each connection that proved the key (blocking mode, its proof sent).</param>
    /// <param name="refused">Told why a connection was dropped (for a rate-limited log line).</param>
    public LoopbackGate(Socket listener, byte[] key, TimeSpan timeout, Action<Socket> proven, Action<string> refused)
    {
        this.listener = listener;
        this.key = key;
        this.timeout = timeout;
        this.proven = proven;
        this.refused = refused;
        listener.Blocking = false;
    }

    public void Start() => LoopbackTransport.StartThread(Run, "actorpool-remote-accept");

    /// <summary>Closes the listener and every connection still proving itself; the thread ends at its next wake.</summary>
    public void Stop()
    {
        stopped = true;
        listener.Dispose();
    }

    private void Run()
    {
        var backoff = TimeSpan.Zero;
        var readable = new List<Socket>(MaxPending + 1);
        while (!stopped)
        {
            readable.Clear();
            readable.Add(listener);
            foreach (var waiting in pending)
            {
                readable.Add(waiting.Socket);
            }

            try
            {
                // A short wait bounds how late an expired handshake is dropped, and when Stop is noticed.
                Socket.Select(readable, null, null, 200_000);
            }
            catch (ObjectDisposedException) when (stopped)
            {
                break;
            }
            catch (SocketException)
            {
                // A socket closed under Select: handled when it is read below.
            }

            // Answers first, then new connections: a flood of connects must not push out a handshake already answered.
            foreach (var socket in readable)
            {
                if (!ReferenceEquals(socket, listener))
                {
                    AdvanceOrDrop(socket);
                }
            }

            if (readable.Contains(listener))
            {
                backoff = AcceptSome(backoff);
            }

            DropExpired();
        }

        foreach (var waiting in pending)
        {
            waiting.Socket.Dispose();
        }

        pending.Clear();
        bySocket.Clear();
    }

    /// <summary>
    /// Accepts what waits in the backlog. Running out of file descriptors (EMFILE, ENFILE) or a connection aborted
    /// before it was accepted is a moment's trouble, not the end of the listener: wait a little longer each time, and retry.
    /// </summary>
    private TimeSpan AcceptSome(TimeSpan backoff)
    {
        for (var accepted = 0; accepted < AcceptsPerRound && !stopped; accepted++)
        {
            Socket socket;
            try
            {
                socket = listener.Accept();
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
                return TimeSpan.Zero;
            }
            catch (ObjectDisposedException) when (stopped)
            {
                return TimeSpan.Zero;
            }
            catch (SocketException e)
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(10) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.TicksPerSecond));
                refused($"accepting a connection failed ({e.SocketErrorCode}: {e.Message}); retrying in {backoff.TotalMilliseconds:0} ms");
                Thread.Sleep(backoff);
                return backoff;
            }

            Challenge(socket);
        }

        return TimeSpan.Zero;
    }

    private void Challenge(Socket socket)
    {
        try
        {
            socket.Blocking = false;
            socket.NoDelay = true;
            var challenge = LoopbackHandshake.NewChallenge();
            if (socket.Send(challenge, SocketFlags.None, out var error) != challenge.Length || error != SocketError.Success)
            {
                socket.Dispose(); // a fresh socket's buffer takes 36 bytes: this one is already gone
                return;
            }

            var entry = new Pending(socket, challenge, Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency));
            bySocket[socket] = pending.AddLast(entry);
            if (pending.Count > MaxPending)
            {
                Drop(pending.First!.Value, $"more than {MaxPending} connections were proving themselves at once; dropped the oldest");
            }
        }
        catch (SocketException)
        {
            socket.Dispose();
        }
    }

    /// <summary>
    /// <see cref="Advance"/>, dropping the connection on any failure: whatever one connection (or the code it reaches)
    /// throws, the gate thread, and with it the listener, must go on for the others.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "One connection's failure must not end the accept thread.")]
    private void AdvanceOrDrop(Socket socket)
    {
        try
        {
            Advance(socket);
        }
        catch (Exception e)
        {
            Forget(socket);
            socket.Dispose();
            refused($"a connection failed during its handshake ({e.GetType().Name}: {e.Message})");
        }
    }

    /// <summary>Reads what a pending connection sent, never past the response's size, and settles it once complete.</summary>
    private void Advance(Socket socket)
    {
        if (!bySocket.TryGetValue(socket, out var node))
        {
            return; // pushed out meanwhile
        }

        var entry = node.Value;
        var received = socket.Receive(entry.Response.AsSpan(entry.Received), SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock)
        {
            return;
        }

        if (error != SocketError.Success || received == 0)
        {
            Drop(entry, null);
            return;
        }

        entry.Received += received;
        if (entry.Received < entry.Response.Length)
        {
            return;
        }

        var ports = new LoopbackHandshake.Ports(((IPEndPoint)socket.LocalEndPoint!).Port, ((IPEndPoint)socket.RemoteEndPoint!).Port);
        var proof = LoopbackHandshake.Verify(key, entry.Challenge, entry.Response, ports);
        if (proof is null)
        {
            Drop(entry, $"a connection from {SafeEndPoint(socket)} did not prove it knows the transport key");
            return;
        }

        Forget(socket);
        try
        {
            socket.Blocking = true; // the 32-byte proof fits any fresh socket's buffer
            socket.Send(proof);
            proven(socket);
        }
        catch (SocketException)
        {
            socket.Dispose();
        }
    }

    /// <summary>Drops the connections whose time is up: the oldest, at the front.</summary>
    private void DropExpired()
    {
        var now = Stopwatch.GetTimestamp();
        while (pending.First?.Value is { } oldest && oldest.Deadline <= now)
        {
            Drop(oldest, $"a connection from {SafeEndPoint(oldest.Socket)} did not prove itself within {timeout.TotalSeconds:0.#} s");
        }
    }

    private void Drop(Pending entry, string? why)
    {
        Forget(entry.Socket);
        entry.Socket.Dispose();
        if (why is not null)
        {
            refused(why);
        }
    }

    /// <summary>No longer waits for its proof (proven, dropped or failed).</summary>
    private void Forget(Socket socket)
    {
        if (bySocket.Remove(socket, out var node))
        {
            pending.Remove(node);
        }
    }

    private static string SafeEndPoint(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint?.ToString() ?? "?";
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return "?";
        }
    }
}
