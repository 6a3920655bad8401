using System.Diagnostics;
using ActorPool.Cluster;
using ActorPool.Launching;
using ActorPool.Tests.Contract;
using ActorPool.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ActorPool.Tests.Cluster;

/// <summary>
/// A worker node whose payload limit or frame size is below its coordinator's could not take every call the
/// coordinator sends: it is refused when it attaches, on both sides, with a message naming both members' values. Real
/// node programs, started with HOCON of their own; the coordinator has ActorPool's defaults (128 MiB, 136 MiB frames).
/// </summary>
public sealed class ClusterNodeLimitsTests
{
    [Theory]
    [Trait("Category", "Slow")] // a worker node process
    [InlineData("actorpool.process-pool.max-payload-size = 1MiB", "max-payload-size = 1048576 bytes")]
    [InlineData("akka.remote.dot-netty.tcp.maximum-frame-size = 2MiB", "maximum-frame-size = 2097152 bytes")]
    public async Task Attach_NodeLimitBelowTheCoordinators_RefusedNamingBothAndTheNodeExitsWithCode3(string nodeHocon, string nodeValue)
    {
        const string CoordinatorValues = "max-payload-size = 134217728 bytes and maximum-frame-size = 142606336 bytes";
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var log = new LogCapture();
        using var executor = new ClusterPoolExecutor(new ClusterPoolExecutorOptions { Secret = secret, LoggerFactory = log.Factory });
        var configFile = Path.Combine(SharedState.NewDirectory("node-limits"), "node.conf");
        await File.WriteAllTextAsync(configFile, nodeHocon);
        var start = ChildProgram.Of(typeof(ClusterWorkerNode).Assembly).StartInfo();
        foreach (var arg in new[] { "--seed", executor.Address.ToString(), "--secret-stdin", "--workers", "1", "--config", configFile })
        {
            start.ArgumentList.Add(arg);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var node = Process.Start(start)!;
        try
        {
            node.StandardInput.WriteLine(secret); // stdin stays open: a node whose stdin ends leaves, which is not what is tested
            node.StandardInput.Flush();
            var stderr = node.StandardError.ReadToEndAsync();
            var stdout = node.StandardOutput.ReadToEndAsync();

            var refused = log.WaitFor(r => r is { Category: "ActorPool.Cluster", EventId: 411, Level: LogLevel.Warning }, "warning that the node was refused");
            await node.WaitForExitAsync().WaitAsync(Probe.Bound); // a TimeoutException if it kept running

            Assert.Contains(nodeValue, refused.Properties["NodeLimits"]?.ToString(), StringComparison.Ordinal);
            Assert.Contains(CoordinatorValues, refused.Properties["CoordinatorLimits"]?.ToString(), StringComparison.Ordinal);
            Assert.Equal(3, node.ExitCode);
            var errors = await stderr;
            Assert.Contains(nodeValue, errors, StringComparison.Ordinal);
            Assert.Contains(CoordinatorValues, errors, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", errors + await stdout, StringComparison.Ordinal);
            Assert.Equal(0, executor.Workers);
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }
    }
}
