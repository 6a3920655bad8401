using System.Collections.Concurrent;
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
    private const string SmallPayload = "actorpool.process-pool.max-payload-size = 1MiB";

    private readonly string secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    [Theory]
    [Trait("Category", "Slow")] // a worker node process
    [InlineData(SmallPayload, "max-payload-size = 1048576 bytes")]
    [InlineData("akka.remote.dot-netty.tcp.maximum-frame-size = 2MiB", "maximum-frame-size = 2097152 bytes")]
    public async Task Attach_NodeLimitBelowTheCoordinators_RefusedNamingBothAndTheNodeExitsWithCode3(string nodeHocon, string nodeValue)
    {
        const string CoordinatorValues = "max-payload-size = 134217728 bytes and maximum-frame-size = 142606336 bytes";
        var log = new LogCapture();
        using var executor = new ClusterPoolExecutor(new ClusterPoolExecutorOptions { Secret = secret, LoggerFactory = log.Factory });
        using var node = await NodeProgram.StartAsync(executor.Address, secret, nodeHocon);

        var refused = log.WaitFor(r => r is { Category: "ActorPool.Cluster", EventId: 411, Level: LogLevel.Warning }, "warning that the node was refused");
        var exitCode = await node.ExitCodeAsync();

        Assert.Contains(nodeValue, refused.Properties["NodeLimits"]?.ToString(), StringComparison.Ordinal);
        Assert.Contains(CoordinatorValues, refused.Properties["CoordinatorLimits"]?.ToString(), StringComparison.Ordinal);
        Assert.Equal(3, exitCode);
        Assert.Contains(nodeValue, node.Errors, StringComparison.Ordinal);
        Assert.Contains(CoordinatorValues, node.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", node.Errors + node.Output, StringComparison.Ordinal);
        Assert.Equal(0, executor.Workers);
    }

    [Fact]
    [Trait("Category", "Slow")] // a worker node process
    public async Task Attach_CoordinatorWithoutTheNodesSecret_CannotMakeItRefuseOverLimits()
    {
        // The limits travel under the coordinator's proof of the secret: a coordinator that cannot prove it is ignored
        // before they are compared, so it cannot make nodes exit by claiming larger limits.
        var log = new LogCapture();
        using var executor = new ClusterPoolExecutor(new ClusterPoolExecutorOptions { Secret = secret, LoggerFactory = log.Factory });
        using var node = await NodeProgram.StartAsync(executor.Address, "not-the-cluster-secret", SmallPayload);

        node.WaitForLine("without proving it knows the cluster's secret");
        Assert.False(node.HasExited);
        node.Leave();

        Assert.Equal(0, await node.ExitCodeAsync()); // it left when told to, not refused (3)
        Assert.DoesNotContain(log.Records, r => r.EventId == 411);
    }

    /// <summary>The node program in a child process, its output kept; killed on dispose if it is still running.</summary>
    private sealed class NodeProgram : IDisposable
    {
        private readonly Process process;
        private readonly ConcurrentQueue<string> output = new();
        private readonly ConcurrentQueue<string> errors = new();

        private NodeProgram(Process process)
        {
            this.process = process;
            process.OutputDataReceived += (_, line) => Keep(output, line.Data);
            process.ErrorDataReceived += (_, line) => Keep(errors, line.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public bool HasExited => process.HasExited;

        public string Output => string.Join('\n', output);

        public string Errors => string.Join('\n', errors);

        public static async Task<NodeProgram> StartAsync(Akka.Actor.Address seed, string secret, string hocon)
        {
            var configFile = Path.Combine(SharedState.NewDirectory("node-limits"), "node.conf");
            await File.WriteAllTextAsync(configFile, hocon);
            var start = ChildProgram.Of(typeof(ClusterWorkerNode).Assembly).StartInfo();
            foreach (var arg in new[] { "--seed", seed.ToString(), "--secret-stdin", "--workers", "1", "--config", configFile })
            {
                start.ArgumentList.Add(arg);
            }

            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            var node = new NodeProgram(Process.Start(start)!);
            node.process.StandardInput.WriteLine(secret); // stdin stays open: a node whose stdin ends leaves
            node.process.StandardInput.Flush();
            return node;
        }

        public void WaitForLine(string text)
        {
            if (!SharedState.PollUntil(() => output.Concat(errors).Any(line => line.Contains(text, StringComparison.Ordinal)), Probe.Bound))
            {
                throw new TimeoutException($"The node did not write '{text}' within {Probe.Bound}. It wrote:\n{Output}\n{Errors}");
            }
        }

        /// <summary>Ends its stdin: the node leaves the cluster and exits.</summary>
        public void Leave() => process.StandardInput.Close();

        public async Task<int> ExitCodeAsync()
        {
            await process.WaitForExitAsync().WaitAsync(Probe.Bound); // a TimeoutException if it kept running
            return process.ExitCode;
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }

        private static void Keep(ConcurrentQueue<string> lines, string? line)
        {
            if (line is not null)
            {
                lines.Enqueue(line);
            }
        }
    }
}
