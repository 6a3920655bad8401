using System.Buffers.Binary;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Remote.Transport;
using Google.Protobuf;

namespace ActorPool.Transport.Loopback;

/// <summary>
/// One connection of the <see cref="LoopbackTransport"/>: frames of a 4-byte little-endian length and Akka's PDU.
/// <see cref="Write"/> sends on the calling thread; a thread of the association's own reads frames and notifies
/// Akka, and tells it the association is gone when the socket ends or fails.
/// </summary>
internal sealed class LoopbackAssociation : AssociationHandle
{
    private const int HeaderSize = 4;
    private const int BufferSize = 64 << 10;

    private readonly Socket socket;
    private readonly long maxFrame;
    private readonly Action<LoopbackAssociation> closed;
    private readonly Lock writing = new(); // remoting's writer and its protocol layer (heartbeats) both write
    private readonly byte[] writeBuffer = new byte[BufferSize];
    private readonly Queue<ReadOnlyMemory<byte>> backlog = new(); // bytes behind a send that would have blocked, oldest first
    private int headSent; // how much of the backlog's first segment is sent
    private bool sending; // a thread is sending the backlog; read and written under the lock only
    private int isClosed;

    public LoopbackAssociation(Socket socket, Address localAddress, Address remoteAddress, long maxFrame, Action<LoopbackAssociation> closed)
        : base(localAddress, remoteAddress)
    {
        this.socket = socket;
        this.maxFrame = maxFrame;
        this.closed = closed;
        // Frames that arrive before Akka has a reader for them wait in the socket.
        ReadHandlerSource.Task.ContinueWith(t => LoopbackTransport.StartThread(() => Read(t.Result), "actorpool-remote-read"),
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public override bool Write(ByteString payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        lock (writing)
        {
            if (Volatile.Read(ref isClosed) == 1)
            {
                return false; // the reading thread reports the disassociation; Akka drops what it writes until then
            }

            try
            {
                if (sending)
                {
                    Queue(Header(payload.Length), payload.Memory);
                }
                else if (HeaderSize + payload.Length <= writeBuffer.Length)
                {
                    // One send for a small frame, on this thread: a call or a result is usually one segment on the wire.
                    BinaryPrimitives.WriteInt32LittleEndian(writeBuffer, payload.Length);
                    payload.Span.CopyTo(writeBuffer.AsSpan(HeaderSize));
                    var frame = writeBuffer.AsMemory(0, HeaderSize + payload.Length);
                    var sent = TrySend(frame.Span);
                    if (sent < frame.Length)
                    {
                        Queue(frame[sent..].ToArray(), ReadOnlyMemory<byte>.Empty); // the buffer is reused: keep a copy
                    }
                }
                else
                {
                    var header = Header(payload.Length);
                    var sent = TrySend(header);
                    Queue(header.AsMemory(sent), payload.Memory);
                }

                return true;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                Close(); // the reading thread reports the disassociation
                return false;
            }
        }
    }

    /// <inheritdoc />
    [Obsolete("Akka.Remote's own entry point; it overrides the abstract member Akka marks obsolete for callers.")]
    public override void Disassociate() => Close();

    private static byte[] Header(int length)
    {
        var header = new byte[HeaderSize];
        BinaryPrimitives.WriteInt32LittleEndian(header, length);
        return header;
    }

    /// <summary>Bytes sent without blocking: all of them unless the socket's buffer is full.</summary>
    private int TrySend(ReadOnlySpan<byte> bytes)
    {
        var sent = socket.Send(bytes, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success => sent,
            SocketError.WouldBlock => 0,
            _ => throw new SocketException((int)error),
        };
    }

    /// <summary>Puts what could not be sent at once behind what already waits, and starts the thread that sends it if none runs.</summary>
    private void Queue(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second)
    {
        foreach (var segment in (ReadOnlySpan<ReadOnlyMemory<byte>>)[first, second])
        {
            if (!segment.IsEmpty)
            {
                backlog.Enqueue(segment);
            }
        }

        if (!sending && backlog.Count > 0)
        {
            sending = true;
            LoopbackTransport.StartThread(SendBacklog, "actorpool-remote-write");
        }
    }

    /// <summary>Sends the backlog as the socket drains, so no thread that writes ever waits for the other process to read.</summary>
    private void SendBacklog()
    {
        try
        {
            while (true)
            {
                ReadOnlyMemory<byte> head;
                lock (writing)
                {
                    if (!backlog.TryPeek(out head) || Volatile.Read(ref isClosed) == 1)
                    {
                        StopSending(); // in the same lock as the emptiness seen: a writer after this starts a new thread
                        return;
                    }
                }

                // Only this thread sends while the backlog has bytes; writers just add to it.
                socket.Poll(-1, SelectMode.SelectWrite);
                var sent = TrySend(head.Span[headSent..]);
                lock (writing)
                {
                    headSent += sent;
                    if (headSent == head.Length)
                    {
                        backlog.Dequeue();
                        headSent = 0;
                    }
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Close();
            lock (writing)
            {
                StopSending();
            }
        }
    }

    /// <summary>Ends this sender's turn, dropping what it had left if the socket closed. Caller holds <see cref="writing"/>.</summary>
    private void StopSending()
    {
        backlog.Clear();
        headSent = 0;
        sending = false;
    }

    private void Read(IHandleEventListener listener)
    {
        Calls.CallbackThreads.RunNoCallbacksHere(); // a process pool's proxy settles futures on this thread
        var buffer = new byte[BufferSize];
        int start = 0, end = 0;
        // The other side closed it, or its process ended (a worker exits when its pool lets it go): as DotNetty does for a
        // reset, Akka hears of a peer shutting down, which it notes quietly, not of a failed association, which it logs as an error.
        var ended = DisassociateInfo.Shutdown;
        try
        {
            while (true)
            {
                while (end - start >= HeaderSize)
                {
                    var length = FrameLength(buffer.AsSpan(start));
                    if ((long)HeaderSize + length > buffer.Length)
                    {
                        // Larger than the buffer: read the rest of it straight into its own array.
                        var frame = new byte[length];
                        var have = end - start - HeaderSize;
                        buffer.AsSpan(start + HeaderSize, have).CopyTo(frame);
                        ReceiveExactly(frame.AsMemory(have));
                        listener.Notify(new InboundPayload(UnsafeByteOperations.UnsafeWrap(frame)));
                        start = end = 0;
                        continue;
                    }

                    if (end - start - HeaderSize < length)
                    {
                        break;
                    }

                    var payload = buffer.AsSpan(start + HeaderSize, length).ToArray(); // Akka reads it later, on another thread
                    listener.Notify(new InboundPayload(UnsafeByteOperations.UnsafeWrap(payload)));
                    start += HeaderSize + length;
                }

                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
                var received = Receive(buffer.AsMemory(end));
                if (received == 0)
                {
                    break;
                }

                end += received;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidDataException)
        {
            // A shutdown from this side, a reset or a corrupt frame: the association is over either way.
            ended = e is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted }
                ? DisassociateInfo.Shutdown
                : DisassociateInfo.Unknown;
        }

        Close();
        listener.Notify(new Disassociated(ended));
    }

    /// <summary>Waits for bytes and takes what has arrived; 0 at the end of the stream.</summary>
    private int Receive(Memory<byte> into)
    {
        while (true)
        {
            var received = socket.Receive(into.Span, SocketFlags.None, out var error);
            switch (error)
            {
                case SocketError.Success:
                    return received;
                case SocketError.WouldBlock:
                    socket.Poll(-1, SelectMode.SelectRead);
                    break;
                default:
                    throw new SocketException((int)error);
            }
        }
    }

    private int FrameLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        return length >= 0 && length <= maxFrame
            ? length
            : throw new InvalidDataException($"A frame of {length} bytes from {RemoteAddress} is outside 0..{maxFrame}.");
    }

    private void ReceiveExactly(Memory<byte> into)
    {
        while (!into.IsEmpty)
        {
            var received = Receive(into);
            if (received == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }

            into = into[received..];
        }
    }

    /// <summary>Ends the connection once: the reading thread wakes, sees the end and reports the disassociation.</summary>
    internal void Close()
    {
        if (Interlocked.Exchange(ref isClosed, 1) == 1)
        {
            return;
        }

        try
        {
            socket.Shutdown(SocketShutdown.Both); // wakes the reading thread
        }
        catch (SocketException)
        {
            // already reset by the other side
        }

        socket.Dispose();
        closed(this);
    }
}
