using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
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

    // The package's images are compiled for linux-x64 only; elsewhere a plain app must keep its IL.
    private static readonly bool ImagesApply = Rid == "linux-x64";
    private const string ImagesPath = "buildTransitive/readytorun/linux-x64/";
    private const string Manifest = "ActorPool.ReadyToRun.manifest";

    // What a process pool loads (the package ships these), and one dependency it does not load (no image shipped).
    private static readonly string[] Imaged = ["ActorPool.dll", "Akka.dll", "Akka.Remote.dll", "Google.Protobuf.dll", "Newtonsoft.Json.dll", "Polly.Core.dll"];
    private const string NotImaged = "DotNetty.Common.dll";

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
        else
        {
            // Published for this machine's runtime identifier: the package's images when that is linux-x64.
            Assert.Equal(ImagesApply, IsReadyToRun(Path.Combine(output, "Akka.dll")));
        }
    }

    [Fact]
    public void FrameworkDependentDll_RunByTheDotnetHost_AnswersFromAWorkerProcess()
    {
        var output = Path.Combine(consumer.AppDir, "out", "dll");
        consumer.Dotnet("publish", "-c", "Release", "-o", output).EnsureSucceeded();

        var run = PackagedConsumer.Program("dotnet", Path.Combine(output, "Consumer.dll"));

        Assert.True(run.ExitCode == 0 && run.Output.Contains(Answer, StringComparison.Ordinal), run.ToString());
        // A portable publish may be deployed to any platform, where linux-x64 code would be refused: it keeps the IL.
        Assert.False(IsReadyToRun(Path.Combine(output, "Akka.dll")), "a portable publish should carry IL, not linux-x64 images");
    }

    [Fact]
    public void PlainApp_BuildOutput_HoldsThePackagesImages_AndItsProcessPoolWorks()
    {
        consumer.Dotnet("build", "-c", "Release").EnsureSucceeded();
        var output = Path.Combine(consumer.AppDir, "bin", "Release", "net10.0");

        foreach (var assembly in Imaged)
        {
            Assert.True(IsReadyToRun(Path.Combine(output, assembly)) == ImagesApply, $"{assembly}: ReadyToRun image expected {ImagesApply} on {Rid}");
        }

        Assert.False(IsReadyToRun(Path.Combine(output, NotImaged)), $"{NotImaged} has no image in the package");
        var run = PackagedConsumer.Program(Path.Combine(output, Exe));
        Assert.True(run.ExitCode == 0 && run.Output.Contains(Answer, StringComparison.Ordinal), run.ToString());
    }

    [Fact]
    public void PlainApp_WithTheSwitchOff_GetsTheIlBack()
    {
        var output = Path.Combine(consumer.AppDir, "bin", "Release", "net10.0");
        consumer.Dotnet("build", "-c", "Release").EnsureSucceeded();

        // Built again in the same folder: the incremental copy must put the IL back over the images.
        consumer.Dotnet("build", "-c", "Release", "-p:ActorPoolReadyToRunImages=false").EnsureSucceeded();

        foreach (var assembly in Imaged)
        {
            Assert.False(IsReadyToRun(Path.Combine(output, assembly)), $"{assembly} should be IL with ActorPoolReadyToRunImages=false");
        }
    }

    [Fact]
    public void PlainApp_KeepsItsOwnIl_WhereItDiffersFromWhatTheImageWasCompiledFrom()
    {
        // As if the app had another Akka.dll than the one the package's image was compiled from (only one Akka version is
        // in CI's offline cache): the restored package's manifest records another hash for Akka.dll's IL.
        var manifest = Path.Combine(consumer.RestoredPackageDir("ActorPool"), ImagesPath, Manifest);
        consumer.Dotnet("restore").EnsureSucceeded();
        var original = File.ReadAllText(manifest);
        var akka = XDocument.Parse(original).Descendants().Single(e => e.Name.LocalName == "ActorPoolReadyToRunImage" && (string?)e.Attribute("Include") == "Akka.dll");
        var tampered = original.Replace((string)akka.Attribute("IlSha256")!, new string('0', 64), StringComparison.Ordinal);
        Assert.NotEqual(original, tampered);
        try
        {
            File.WriteAllText(manifest, tampered);
            consumer.Dotnet("build", "-c", "Release", "--disable-build-servers").EnsureSucceeded();
        }
        finally
        {
            File.WriteAllText(manifest, original);
        }

        var output = Path.Combine(consumer.AppDir, "bin", "Release", "net10.0");
        Assert.False(IsReadyToRun(Path.Combine(output, "Akka.dll")), "Akka.dll's IL does not match the manifest: the app keeps its IL");
        Assert.True(IsReadyToRun(Path.Combine(output, "Akka.Remote.dll")) == ImagesApply, $"Akka.Remote.dll matches: its image is used on linux-x64 ({Rid})");
        var run = PackagedConsumer.Program(Path.Combine(output, Exe));
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
                AssertCarriesImages(package);
            }
            else
            {
                Assert.Contains("ActorPool", dependencies);
            }
        }
    }

    // The images and their manifest: each listed image is there and precompiled, and ActorPool.dll's image was compiled
    // from the very lib/ assembly this package ships (the pack compiles what it packs).
    private static void AssertCarriesImages(ZipArchive package)
    {
        var manifest = XDocument.Load(package.Entries.Single(e => e.FullName == ImagesPath + Manifest).Open());
        var hashes = manifest.Descendants().Where(e => e.Name.LocalName == "ActorPoolReadyToRunImage")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("IlSha256")!);
        Assert.Superset(Imaged.ToHashSet(), hashes.Keys.ToHashSet());
        foreach (var image in hashes.Keys)
        {
            using var stream = new MemoryStream();
            package.Entries.Single(e => e.FullName == ImagesPath + image).Open().CopyTo(stream);
            stream.Position = 0;
            using var pe = new PEReader(stream);
            Assert.True(pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0, $"{image} in the package is not a ReadyToRun image");
        }

        using var lib = new MemoryStream();
        package.Entries.Single(e => e.FullName == "lib/net10.0/ActorPool.dll").Open().CopyTo(lib);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(lib.ToArray())), hashes["ActorPool.dll"], ignoreCase: true);
        Assert.DoesNotContain(package.Entries, e => e.FullName == ImagesPath + NotImaged);
    }

    private static bool IsReadyToRun(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }
}
