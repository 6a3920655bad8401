using System.Diagnostics;
using ActorPool.Cluster.Configuration;
using ActorPool.Launching;
using ActorPool.Cluster;
using Akka.Configuration;

namespace ActorPool.Tests.Cluster;

/// <summary>A cluster member that would listen on a network without mutual TLS refuses to start, naming what to set.</summary>
public sealed class ClusterTlsTests
{
    private const string Secret = "the-clusters-secret";

    [Fact]
    public void ClusterPoolExecutor_BindsEveryInterfaceWithoutTls_RefusesToStartNamingTheSettings()
    {
        var error = Assert.Throws<ConfigurationException>(() => new ClusterPoolExecutor(new ClusterPoolExecutorOptions { Secret = Secret, Hostname = "0.0.0.0" }));

        Assert.Contains("'0.0.0.0'", error.Message, StringComparison.Ordinal);
        Assert.Contains("akka.remote.dot-netty.tcp.enable-ssl = true", error.Message, StringComparison.Ordinal);
        Assert.Contains("actorpool.cluster.allow-insecure-plaintext-network", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterWorkerNode_BindsANetworkAddressWithoutTls_RefusesToStart()
    {
        var options = new ClusterNodeOptions { Secret = Secret, Hostname = "10.1.2.3", Seeds = { "akka.tcp://actorpool@127.0.0.1:4053" } };

        var error = Assert.Throws<ConfigurationException>(() => ClusterWorkerNode.Start(options));

        Assert.Contains("'10.1.2.3'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task NodeProgram_NetworkAddressWithoutTls_ExitsWithCode2NamingTheAddress()
    {
        var start = ChildProgram.Of(typeof(ClusterWorkerNode).Assembly).StartInfo();
        foreach (var arg in new[] { "--seed", "akka.tcp://actorpool@127.0.0.1:4053", "--host", "10.1.2.3", "--secret-stdin" })
        {
            start.ArgumentList.Add(arg);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var node = Process.Start(start)!;
        try
        {
            node.StandardInput.WriteLine(Secret);
            node.StandardInput.Close();
            var stderr = node.StandardError.ReadToEndAsync();
            var stdout = node.StandardOutput.ReadToEndAsync();

            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1)); // a TimeoutException if it kept running
            var errors = await stderr;
            Assert.Equal(2, node.ExitCode);
            Assert.Contains("'10.1.2.3'", errors, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", errors + await stdout, StringComparison.Ordinal);
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }
    }

    [Theory]
    [InlineData("akka.remote.dot-netty.tcp.hostname = \"127.0.0.1\"")]
    [InlineData("akka.remote.dot-netty.tcp.hostname = \"::1\"")]
    [InlineData("akka.remote.dot-netty.tcp.hostname = localhost")]
    [InlineData("akka.remote.dot-netty.tcp { hostname = \"0.0.0.0\", enable-ssl = true }")]
    [InlineData("akka.remote.dot-netty.tcp.hostname = \"0.0.0.0\"\nactorpool.cluster.allow-insecure-plaintext-network = on")]
    public void RequireTlsOffLoopback_LoopbackTlsOrExplicitOptOut_Passes(string hocon) =>
        ClusterConfig.RequireTlsOffLoopback(ConfigurationFactory.ParseString(hocon), "A member");

    [Theory]
    [InlineData("akka.remote.dot-netty.tcp.hostname = \"\"", "enable-ssl = true")]
    [InlineData("akka.remote.dot-netty.tcp { hostname = \"0.0.0.0\", enable-ssl = true, ssl.suppress-validation = true }", "suppress-validation = false")]
    [InlineData("akka.remote.dot-netty.tcp { hostname = \"0.0.0.0\", enable-ssl = true, ssl.require-mutual-authentication = false }", "require-mutual-authentication = true")]
    public void RequireTlsOffLoopback_TlsMissingOrWeakened_ThrowsNamingTheSetting(string hocon, string named)
    {
        var error = Assert.Throws<ConfigurationException>(() => ClusterConfig.RequireTlsOffLoopback(ConfigurationFactory.ParseString(hocon), "A member"));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
