using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Xml.Linq;

namespace ActorPool.PackageTests;

/// <summary>
/// A user's app, built from the packed packages, makes one process-pool call in each way .NET apps are run and
/// deployed; and what cannot work fails at the executor's constructor, saying what to change.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ConsumerAppTests(PackagedConsumer consumer) : IClassFixture<PackagedConsumer>
{
    private const string Answer = "square 49 from a worker process";
    private static readonly string Rid = RuntimeInformation.RuntimeIdentifier;
    private static readonly string Exe = OperatingSystem.IsWindows() ? "Consumer.exe" : "Consumer";

    [Fact]
    public void DotnetRun_AnswersFromAWorkerProcess()
    {
        var run = consumer.Dotnet("run", "-c", "Release");

        Assert.True(run.ExitCode == 0 && run.Output.Contains(Answer, StringComparison.Ordinal), run.ToString());
    }

    [Theory]
    [InlineData("framework-dependent", new[] { "--no-self-contained" })]
    [InlineData("self-contained", new[] { "--self-contained" })]
    [InlineData("single-file", new[] { "--self-contained", "-p:PublishSingleFile=true" })]
    [InlineData("single-file-framework-dependent", new[] { "--no-self-contained", "-p:PublishSingleFile=true" })]
    public void PublishedApp_AnswersFromAWorkerProcess(string mode, string[] options)
    {
        var output = Path.Combine(consumer.AppDir, "out", mode);
        consumer.Dotnet(["publish", "-c", "Release", "-r", Rid, "-o", output, .. options]).EnsureSucceeded();

        var run = PackagedConsumer.Program(Path.Combine(output, Exe));

        Assert.True(run.ExitCode == 0 && run.Output.Contains(Answer, StringComparison.Ordinal), run.ToString());
        if (mode.StartsWith("single-file", StringComparison.Ordinal))
        {
            Assert.False(File.Exists(Path.Combine(output, "ActorPool.dll")), "a single-file app has no ActorPool.dll beside it");
        }
    }

    [Fact]
    public void FrameworkDependentDll_RunByTheDotnetHost_AnswersFromAWorkerProcess()
    {
        var output = Path.Combine(consumer.AppDir, "out", "dll");
        consumer.Dotnet("publish", "-c", "Release", "-o", output).EnsureSucceeded();

        var run = PackagedConsumer.Program("dotnet", Path.Combine(output, "Consumer.dll"));

        Assert.True(run.ExitCode == 0 && run.Output.Contains(Answer, StringComparison.Ordinal), run.ToString());
    }

    [Fact]
    public void ReadyToRunApp_PrecompilesAkkaOnBuild_FromThePackagesTargets()
    {
        consumer.Dotnet("build", "-c", "Release", "-r", Rid, "-p:PublishReadyToRun=true").EnsureSucceeded();
        var output = Path.Combine(consumer.AppDir, "bin", "Release", "net10.0", Rid);

        Assert.True(IsReadyToRun(Path.Combine(output, "Akka.dll")), "Akka.dll in the build output should be a ReadyToRun image");
        var run = PackagedConsumer.Program(Path.Combine(output, Exe));
        Assert.True(run.ExitCode == 0 && run.Output.Contains(Answer, StringComparison.Ordinal), run.ToString());
    }

    [Fact]
    public void TrimmedApp_FailsAtTheConstructor_NamingTheModeAndTheFix()
    {
        var output = Path.Combine(consumer.AppDir, "out", "trimmed");
        consumer.Dotnet("publish", "-c", "Release", "-r", Rid, "--self-contained", "-p:PublishTrimmed=true", "-o", output).EnsureSucceeded();

        var run = PackagedConsumer.Program(Path.Combine(output, Exe));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("System.NotSupportedException: This app is trimmed", run.Error, StringComparison.Ordinal);
        Assert.Contains("<PublishTrimmed>false</PublishTrimmed>", run.Error, StringComparison.Ordinal);
        Assert.Contains("ProcessPoolExecutor..ctor", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Packages_CarryVersionLicenseReadmeSymbolsAndTheirOwnDependencies()
    {
        foreach (var id in new[] { "ActorPool", "ActorPool.Hosting", "ActorPool.Cluster" })
        {
            var path = Path.Combine(consumer.Feed, $"{id}.{consumer.Version}.nupkg");
            using var package = ZipFile.OpenRead(path);
            var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName == $"{id}.nuspec").Open());
            string? Field(string name) => nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

            Assert.Equal(consumer.Version, Field("version"));
            Assert.Equal("Apache-2.0", Field("license"));
            Assert.Equal("README.md", Field("readme"));
            Assert.False(string.IsNullOrWhiteSpace(Field("description")), $"{id} has no description");
            Assert.Contains(package.Entries, e => e.FullName == "README.md");
            Assert.Contains(package.Entries, e => e.FullName == $"lib/net10.0/{id}.dll");
            Assert.True(File.Exists(Path.ChangeExtension(path, ".snupkg")), $"{id} has no symbol package");

            var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).ToList();
            if (id == "ActorPool")
            {
                Assert.Contains(package.Entries, e => e.FullName == "buildTransitive/ActorPool.targets");
                Assert.DoesNotContain("Akka.Hosting", dependencies); // thread- and process-pool users do not take it
            }
            else
            {
                Assert.Contains("ActorPool", dependencies);
            }
        }
    }

    private static bool IsReadyToRun(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }
}
