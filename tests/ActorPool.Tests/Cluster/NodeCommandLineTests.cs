using ActorPool.Cluster;
using ActorPool.Cluster.Node;

namespace ActorPool.Tests.Cluster;

/// <summary>The node program's command line (System.CommandLine): both option forms, help and version, and errors.</summary>
public sealed class NodeCommandLineTests
{
    [Fact]
    public async Task Parse_BothOptionForms_GiveTheSameOptions()
    {
        var config = Path.GetTempFileName();
        await File.WriteAllTextAsync(config, "akka.loglevel = INFO");
        try
        {
            var spaced = await NodeCommandLine.ParseAsync(["--seed", "akka.tcp://a@127.0.0.1:1", "--seed", "akka.tcp://a@127.0.0.1:2", "--workers", "4", "--port", "4054",
                "--host", "127.0.0.1", "--allow", "A,B", "--allow", "C", "--config", config, "--secret-stdin"]);
            var equals = await NodeCommandLine.ParseAsync(["--seed=akka.tcp://a@127.0.0.1:1", "--seed=akka.tcp://a@127.0.0.1:2", "--workers=4", "--port=4054",
                "--host=127.0.0.1", "--allow=A,B", "--allow=C", $"--config={config}", "--secret-stdin"]);

            foreach (var request in new[] { spaced, equals })
            {
                var options = Assert.IsType<ClusterNodeOptions>(request.Options);
                Assert.Equal(["akka.tcp://a@127.0.0.1:1", "akka.tcp://a@127.0.0.1:2"], options.Seeds);
                Assert.Equal(4, options.Workers);
                Assert.Equal(4054, options.Port);
                Assert.Equal("127.0.0.1", options.Hostname);
                Assert.Equal(["A", "B", "C"], options.AllowedAssemblies);
                Assert.Equal("INFO", options.Config!.GetString("akka.loglevel"));
                Assert.True(request.SecretFromStdin);
            }
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--version")]
    public async Task HelpAndVersion_PrintAndExitWith0(string option)
    {
        var request = await NodeCommandLine.ParseAsync([option]);

        Assert.Null(request.Options);
        Assert.Equal(0, request.ExitCode);
        Assert.Equal(0, await ClusterWorkerNode.RunAsync([option]));
    }

    [Theory]
    [InlineData("--secret", "hunter2")]
    [InlineData("--seed")]
    [InlineData("--workers", "many")]
    [InlineData("--workers=0", "--seed=akka.tcp://a@127.0.0.1:1")]
    [InlineData("--port", "-1", "--seed", "akka.tcp://a@127.0.0.1:1")]
    [InlineData("--config", "/no/such/file.conf", "--seed", "akka.tcp://a@127.0.0.1:1")]
    [InlineData("--bogus")]
    [InlineData("--local-node-role", "actorpool-coordinator", "--seed", "akka.tcp://a@127.0.0.1:1")]
    [InlineData("--local-node-role", "actorpool-local-node-0123456789abcdef0123456789abcdeg", "--seed", "akka.tcp://a@127.0.0.1:1")]
    public async Task BadArguments_ExitWith2(params string[] args)
    {
        var request = await NodeCommandLine.ParseAsync(args);

        Assert.Null(request.Options);
        Assert.Equal(2, request.ExitCode);
        Assert.Equal(2, await ClusterWorkerNode.RunAsync(args));
    }

    [Fact]
    public async Task Parse_LocalNodeRoleLocalNodeProcessMakes_IsTheNodesExtraRole()
    {
        const string Role = "actorpool-local-node-0123456789abcdef0123456789abcdef";

        var request = await NodeCommandLine.ParseAsync(["--seed", "akka.tcp://a@127.0.0.1:1", NodeCommandLine.LocalNodeRoleOption, Role]);

        Assert.Equal(Role, Assert.IsType<ClusterNodeOptions>(request.Options).LocalNodeRole);
    }
}
