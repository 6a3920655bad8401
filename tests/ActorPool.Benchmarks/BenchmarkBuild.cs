using System.Diagnostics;
using System.Text.Json;

namespace ActorPool.Benchmarks;

/// <summary>
/// A build of this benchmark program, run by <c>--compare</c> in a process of its own (its own JIT, GC and thread pools)
/// for one round at a time: this build, or another commit's (its <c>ActorPool.Benchmarks</c> executable or dll). A build
/// from before rounds existed is run the way it was run then, one sitting per process, which was one round.
/// </summary>
internal sealed class BenchmarkBuild
{
    /// <summary>Prints <see cref="Capabilities"/> and exits; a build that rejects it (unknown option) predates rounds.</summary>
    public const string CapabilitiesFlag = "--capabilities";

    /// <summary>What this build understands beyond the options every build had: --rounds N, and --no-cpython.</summary>
    public static readonly IReadOnlyList<string> Capabilities = ["rounds", "no-cpython"];

    private readonly string file;
    private readonly string[] prefix;
    private string[]? capabilities;

    private BenchmarkBuild(string name, string path, string file, string[] prefix) => (Name, Path, this.file, this.prefix) = (name, path, file, prefix);

    /// <summary>"this build" or "other build", as the tables call it.</summary>
    public string Name { get; }

    /// <summary>The executable or dll.</summary>
    public string Path { get; }

    /// <summary>This program, as it was started: its apphost, or the <c>dotnet</c> host and its dll.</summary>
    public static BenchmarkBuild Self()
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path to start this build again with.");
        var dll = typeof(BenchmarkBuild).Assembly.Location;
        return IsDotnetHost(self) ? new("this build", dll, self, [dll]) : new("this build", self, self, []);
    }

    /// <summary>The build <c>--compare</c> names: an executable (an apphost), or a dll the <c>dotnet</c> host runs.</summary>
    public static BenchmarkBuild Other(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new ArgumentException(
                $"--compare: no file at '{full}'. Build the other commit first (git worktree add --detach /tmp/base <commit>; " +
                "dotnet build -c Release /tmp/base/tests/ActorPool.Benchmarks) and pass its bin/Release/net10.0/<rid>/ActorPool.Benchmarks " +
                "(or ActorPool.Benchmarks.dll).");
        }

        return full.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new("other build", full, "dotnet", [full])
            : new("other build", full, full, []);
    }

    /// <summary>
    /// Runs one round with <paramref name="runArgs"/> and returns its figures as the build's <c>--json</c> wrote them. Its
    /// tables are not shown (the JSON has every figure); its progress lines (standard error) are.
    /// </summary>
    public JsonElement RunRound(IReadOnlyList<string> runArgs)
    {
        var known = capabilities ??= Probe();
        var json = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"actorpool-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        try
        {
            List<string> args = [.. runArgs];
            if (known.Contains("rounds"))
            {
                args.AddRange(["--rounds", "1"]);
            }

            // CPython is the same in both builds: its new/old ratio says nothing of either, and it takes most of a round.
            if (known.Contains("no-cpython"))
            {
                args.Add("--no-cpython");
            }

            args.AddRange(["--json", json]);
            var (exitCode, output) = Execute(args, captureErrors: false);
            if (exitCode != 0 || !File.Exists(json))
            {
                var tail = string.Join('\n', output.Split('\n').TakeLast(40));
                throw new InvalidOperationException($"The {Name} ({Path}) exited with code {exitCode} running {string.Join(' ', args)}:\n{tail}");
            }

            using var document = JsonDocument.Parse(File.ReadAllText(json));
            return RoundFigures.RoundsOf(document.RootElement)[0].Clone();
        }
        finally
        {
            File.Delete(json);
        }
    }

    /// <summary>What the build says it understands; nothing for a build from before rounds, which fails on the flag.</summary>
    private string[] Probe()
    {
        var (exitCode, output) = Execute([CapabilitiesFlag], captureErrors: true);
        return exitCode == 0 ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
    }

    private (int ExitCode, string Output) Execute(IReadOnlyList<string> args, bool captureErrors)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = captureErrors };
        foreach (var arg in prefix.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = captureErrors ? process.StandardError.ReadToEndAsync() : Task.FromResult("");
        process.WaitForExit();
        errors.GetAwaiter().GetResult();
        return (process.ExitCode, output.GetAwaiter().GetResult());
    }

    private static bool IsDotnetHost(string path) => System.IO.Path.GetFileNameWithoutExtension(path) == "dotnet";
}
