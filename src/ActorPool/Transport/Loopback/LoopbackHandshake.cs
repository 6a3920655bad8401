using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace ActorPool.Transport.Loopback;

/// <summary>
/// The mutual proof that opens every connection of the <see cref="LoopbackTransport"/>, before Akka sees a byte of it:
/// an HMAC-SHA256 challenge-response over two fresh nonces, keyed with the <see cref="Key"/> that a process shares
/// with the worker processes it starts (and only with them: they get it over their stdin).
/// </summary>
/// <remarks>
/// <code>
///   acceptor  → connector: "APL1" nonceA                                               (36 bytes)
///   connector → acceptor : "APL1" nonceC HMAC(key, "connect" nonceA nonceC portA portC) (68 bytes)
///   acceptor  → connector: HMAC(key, "accept" nonceC nonceA portA portC)               (32 bytes)
/// </code>
/// Each side proves the key over a nonce the other chose, under its own label, so no answer can be replayed or
/// reflected; and over the connection's two ports as it sees them (the acceptor's and the connector's), so a
/// stranger that a key holder dials cannot relay the exchange to another key holder and sit in the middle. The acceptor reads exactly the 68 bytes it expects into a buffer of that size, and the connector the
/// 36 and 32 it expects: nothing a stranger sends is allocated for or handed on. The frames after it are not
/// signed: only root can inject into a loopback TCP stream, and root owns the processes anyway.
/// </remarks>
internal static class LoopbackHandshake
{
    public const int NonceSize = 32;
    public const int MacSize = 32;
    public const int ChallengeSize = 4 + NonceSize;
    public const int ResponseSize = 4 + NonceSize + MacSize;
    public const int ProofSize = MacSize;

    private static readonly byte[] Magic = "APL1"u8.ToArray();
    private static readonly byte[] ConnectLabel = "connect"u8.ToArray();
    private static readonly byte[] AcceptLabel = "accept"u8.ToArray();
    private static readonly Lock Gate = new();
    private static byte[]? key;

    /// <summary>
    /// This process's transport key: its parent's, if it is a worker process (<see cref="Adopt"/>), else one drawn at
    /// random on first use. It never leaves the process except over a worker's stdin.
    /// </summary>
    public static byte[] Key
    {
        get
        {
            lock (Gate)
            {
                return key ??= RandomNumberGenerator.GetBytes(32);
            }
        }
    }

    /// <summary>The key as the line a worker reads first from its stdin.</summary>
    public static string KeyLine => Convert.ToHexString(Key);

    /// <summary>Takes the parent's key (a worker process, before its actor system starts), so parent and worker can prove it to each other.</summary>
    public static void Adopt(string keyLine)
    {
        var adopted = Convert.FromHexString(keyLine);
        if (adopted.Length < 16)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"A transport key of {adopted.Length} bytes is too short."));
        }

        lock (Gate)
        {
            key = adopted;
        }
    }

    /// <summary>The acceptor's first message: the magic, then a fresh nonce; the acceptor keeps it to check the answer.</summary>
    public static byte[] NewChallenge()
    {
        var challenge = new byte[ChallengeSize];
        Magic.CopyTo(challenge, 0);
        RandomNumberGenerator.Fill(challenge.AsSpan(4));
        return challenge;
    }

    /// <summary>The connector's answer to <paramref name="challenge"/>, or null if it is not a challenge of this protocol.</summary>
    public static byte[]? Respond(byte[] key, ReadOnlySpan<byte> challenge, Ports ports, out byte[] connectorNonce)
    {
        connectorNonce = RandomNumberGenerator.GetBytes(NonceSize);
        if (challenge.Length != ChallengeSize || !challenge[..4].SequenceEqual(Magic))
        {
            return null;
        }

        var response = new byte[ResponseSize];
        Magic.CopyTo(response, 0);
        connectorNonce.CopyTo(response, 4);
        Mac(key, ConnectLabel, challenge[4..], connectorNonce, ports, response.AsSpan(4 + NonceSize));
        return response;
    }

    /// <summary>The acceptor's check of <paramref name="response"/>; on success, the proof it sends back.</summary>
    public static byte[]? Verify(byte[] key, ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> response, Ports ports)
    {
        if (response.Length != ResponseSize || !response[..4].SequenceEqual(Magic))
        {
            return null;
        }

        var acceptorNonce = challenge[4..];
        var connectorNonce = response.Slice(4, NonceSize);
        Span<byte> expected = stackalloc byte[MacSize];
        Mac(key, ConnectLabel, acceptorNonce, connectorNonce, ports, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, response[(4 + NonceSize)..]))
        {
            return null;
        }

        var proof = new byte[ProofSize];
        Mac(key, AcceptLabel, connectorNonce, acceptorNonce, ports, proof);
        return proof;
    }

    /// <summary>The connector's check of the acceptor's proof.</summary>
    public static bool Accepts(byte[] key, ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> connectorNonce, ReadOnlySpan<byte> proof, Ports ports)
    {
        Span<byte> expected = stackalloc byte[MacSize];
        Mac(key, AcceptLabel, connectorNonce, challenge[4..], ports, expected);
        return proof.Length == ProofSize && CryptographicOperations.FixedTimeEquals(expected, proof);
    }

    /// <summary>
    /// The connector's side on a connected, blocking socket: every read is of a known, small size and ends within
    /// <paramref name="timeout"/>. Throws an <see cref="InvalidDataException"/> if the other side does not prove the key.
    /// </summary>
    public static void Connect(Socket socket, byte[] key, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout; // for the whole handshake, not each read
        socket.SendTimeout = (int)timeout.TotalMilliseconds;
        var ports = new Ports(((IPEndPoint)socket.RemoteEndPoint!).Port, ((IPEndPoint)socket.LocalEndPoint!).Port);
        var challenge = ReceiveExactly(socket, ChallengeSize, deadline);
        var response = Respond(key, challenge, ports, out var nonce)
            ?? throw new InvalidDataException($"{socket.RemoteEndPoint} does not speak ActorPool's loopback transport.");
        socket.Send(response);
        if (!Accepts(key, challenge, nonce, ReceiveExactly(socket, ProofSize, deadline), ports))
        {
            throw new InvalidDataException($"{socket.RemoteEndPoint} did not prove it knows this process's transport key.");
        }

        socket.ReceiveTimeout = 0;
        socket.SendTimeout = 0;
    }

    private static byte[] ReceiveExactly(Socket socket, int count, DateTime deadline)
    {
        var buffer = new byte[count];
        var have = 0;
        while (have < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !socket.Poll(left, SelectMode.SelectRead))
            {
                throw new InvalidDataException($"{socket.RemoteEndPoint} did not finish the handshake in time.");
            }

            var received = socket.Receive(buffer, have, count - have, SocketFlags.None);
            if (received == 0)
            {
                throw new InvalidDataException($"{socket.RemoteEndPoint} closed the connection during the handshake.");
            }

            have += received;
        }

        return buffer;
    }

    private static void Mac(byte[] key, ReadOnlySpan<byte> label, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Ports ports, Span<byte> into)
    {
        Span<byte> text = stackalloc byte[label.Length + first.Length + second.Length + 4];
        label.CopyTo(text);
        first.CopyTo(text[label.Length..]);
        second.CopyTo(text[(label.Length + first.Length)..]);
        BinaryPrimitives.WriteUInt16BigEndian(text[^4..], (ushort)ports.Acceptor);
        BinaryPrimitives.WriteUInt16BigEndian(text[^2..], (ushort)ports.Connector);
        HMACSHA256.HashData(key, text, into);
    }

    /// <summary>A connection's two TCP ports: the acceptor's (the listener's) and the connector's.</summary>
    public readonly record struct Ports(int Acceptor, int Connector);
}
