using System.Net;
using Akka.Configuration;

namespace ActorPool.Transport.Loopback;

/// <summary>The loopback transport's HOCON section (<c>akka.remote.loopback</c>), read and checked once, as DotNetty's <c>DotNettyTransportSettings</c>.</summary>
internal sealed record LoopbackSettings(IPAddress Address, int Port, long MaximumFrameSize, int SocketBufferSize, TimeSpan HandshakeTimeout)
{
    /// <summary>Reads <paramref name="config"/>; throws <see cref="ConfigurationException"/>, saying what to set, for a value the transport cannot use.</summary>
    public static LoopbackSettings From(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var hostname = config.GetString("hostname", "127.0.0.1");
        var address = IPAddress.TryParse(hostname, out var ip) && IPAddress.IsLoopback(ip)
            ? ip
            : throw new ConfigurationException(
                $"The loopback transport binds a loopback address (127.0.0.1 or ::1), not '{hostname}': it connects a process pool with " +
                "worker processes on this machine. Reach other machines through a ClusterPoolExecutor.");
        var handshakeTimeout = config.GetTimeSpan("handshake-timeout", TimeSpan.FromSeconds(5));
        if (handshakeTimeout <= TimeSpan.Zero)
        {
            throw new ConfigurationException($"The loopback transport's handshake-timeout must be positive, not {handshakeTimeout}.");
        }

        return new LoopbackSettings(
            address,
            config.GetInt("port", 0),
            config.GetByteSize("maximum-frame-size") ?? 128_000,
            (int)Math.Min(int.MaxValue, config.GetByteSize("socket-buffer-size") ?? 4 << 20),
            handshakeTimeout);
    }
}
