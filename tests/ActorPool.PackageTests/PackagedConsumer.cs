using System.Diagnostics;
using System.Globalization;

namespace ActorPool.PackageTests;

/// <summary>
/// ActorPool's three packages, packed from this source tree into a folder feed with a version of their own, and a copy of
/// the consumer app (Consumer/) that references them from that feed, as a user's app would after <c>dotnet add package</c>.
/// The version is unique to this run, so NuGet's cache never serves a package packed by an earlier one; that cache's
/// copies are deleted afterwards.
/// </summary>
public sealed class PackagedConsumer : IDisposable
{
    private static readonly string[] Packages = ["ActorPool", "ActorPool.Hosting", "ActorPool.Cluster"];

    public PackagedConsumer()
    {
        Root = FindRoot();
        Version = $"0.1.0-consumer.{DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}.{Environment.ProcessId}";
        WorkDir = Directory.CreateTempSubdirectory("actorpool-consumer-").FullName;
        Feed = Path.Combine(WorkDir, "feed");
        AppDir = Path.Combine(WorkDir, "app");
        foreach (var package in Packages)
        {
            Run(Root, "pack", Path.Combine(Root, "src", package, package + ".csproj"), "-c", "Release", "-o", Feed, $"-p:Version={Version}").EnsureSucceeded();
        }

        Directory.CreateDirectory(AppDir);
        foreach (var file in Directory.GetFiles(Path.Combine(Root, "tests", "ActorPool.PackageTests", "Consumer")))
        {
            File.Copy(file, Path.Combine(AppDir, Path.GetFileName(file)));
        }

        // The user's own sources (nuget.org) stay; the feed under test is added to them.
        File.WriteAllText(Path.Combine(AppDir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="actorpool-under-test" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
    }

    /// <summary>The source tree's root (where ActorPool.sln is).</summary>
    public string Root { get; }

    /// <summary>The version the packages were packed with.</summary>
    public string Version { get; }

    /// <summary>The folder feed holding the .nupkg and .snupkg files.</summary>
    public string Feed { get; }

    /// <summary>The consumer app's folder.</summary>
    public string AppDir { get; }

    private string WorkDir { get; }

    /// <summary>Runs <c>dotnet</c> in the consumer app's folder, the packages' version passed in.</summary>
    public CommandResult Dotnet(params string[] args) => Run(AppDir, [.. args, $"-p:ActorPoolVersion={Version}"]);

    /// <summary>Runs a program (a published app) and captures what it printed.</summary>
    public static CommandResult Program(string file, params string[] args) => Execute(file, Path.GetDirectoryName(file)!, args);

    /// <summary>Where NuGet extracted a package of this version when the consumer app was restored.</summary>
    public string RestoredPackageDir(string package)
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(cache, package.ToLowerInvariant(), Version);
    }

    public void Dispose()
    {
        Directory.Delete(WorkDir, recursive: true);
        foreach (var package in Packages)
        {
            var copy = RestoredPackageDir(package);
            if (Directory.Exists(copy))
            {
                Directory.Delete(copy, recursive: true);
            }
        }
    }

    private static CommandResult Run(string workingDirectory, params string[] args) => Execute("dotnet", workingDirectory, args);

    private static CommandResult Execute(string file, string workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The test host's own MSBuild and test-platform settings must not leak into the consumer's builds.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ACTORPOOL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        return new CommandResult($"{file} {string.Join(' ', args)}", process.ExitCode, output.Result, error.Result);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActorPool.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ActorPool.sln above {AppContext.BaseDirectory}: the package tests run from the source tree.");
    }
}

/// <summary>What a command printed, and how it exited.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Output, string Error)
{
    public CommandResult EnsureSucceeded() =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"'{Command}' exited with {ExitCode}:\n{Output}\n{Error}");

    public override string ToString() => $"'{Command}' exited with {ExitCode}:\n{Output}\n{Error}";
}
