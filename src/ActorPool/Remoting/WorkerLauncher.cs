using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ActorPool.Remoting;

/// <summary>
/// Starts worker processes that load the same assemblies as this one, whatever started it (<c>dotnet run</c>, a
/// test host, a published app): <c>dotnet exec --runtimeconfig {app}.runtimeconfig.json --depsfile {app}.deps.json
/// ActorPool.dll</c> resolves the parent app's dependency graph in the child and runs <see cref="WorkerHost"/>.
/// The pool's secret goes through stdin, never the command line.
/// </summary>
internal sealed class WorkerLauncher
{
    public const string ParentPidVariable = "ACTORPOOL_PARENT_PID";
    public const string InitializerVariable = "ACTORPOOL_INITIALIZER";
    public const string MaxPayloadVariable = "ACTORPOOL_MAX_PAYLOAD";

    private readonly string host;
    private readonly string depsFile;
    private readonly string runtimeConfig;
    private readonly string workerAssembly;

    public WorkerLauncher()
    {
        depsFile = (AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string)?.Split(';')[0] ?? "";
        runtimeConfig = depsFile.EndsWith(".deps.json", StringComparison.OrdinalIgnoreCase)
            ? depsFile[..^".deps.json".Length] + ".runtimeconfig.json"
            : "";
        if (!File.Exists(depsFile) || !File.Exists(runtimeConfig))
        {
            throw new NotSupportedException(
                "ProcessPoolExecutor starts workers with 'dotnet exec' on this app's .deps.json and .runtimeconfig.json, " +
                $"and could not find them (deps: '{depsFile}'). Single-file and self-contained apps are not supported yet; publish framework-dependent.");
        }

        workerAssembly = typeof(WorkerHost).Assembly.Location;
        host = DotnetHost();
    }

    /// <summary>
    /// Starts a worker process. It boots its runtime and actor system at once, then waits on stdin for
    /// <see cref="Introduce"/> to tell it where its parent is; so worker start-up overlaps the parent's own.
    /// </summary>
    public Process Start(CallDescriptor? initializer, long maxPayload)
    {
        var start = ExecOf(workerAssembly);
        start.Environment[ParentPidVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        start.Environment[MaxPayloadVariable] = maxPayload.ToString(CultureInfo.InvariantCulture);
        start.Environment[InitializerVariable] = initializer is null ? "" : JsonSerializer.Serialize(initializer);
        // Start-up is mostly JIT; tiered PGO's instrumentation only slows a short-lived worker's first second.
        start.Environment.TryAdd("DOTNET_TieredPGO", "0");
        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start a worker process with {host}.");
    }

    /// <summary>
    /// <c>dotnet exec</c> of <paramref name="assembly"/> (an Exe of ours) on this app's dependency graph, with stdin
    /// redirected (the introduction, then, when it ends, the parent's death) and stdout/stderr inherited (a
    /// worker's output is the parent's, as in Python).
    /// </summary>
    public ProcessStartInfo ExecOf(string assembly)
    {
        var start = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var arg in new[] { "exec", "--runtimeconfig", runtimeConfig, "--depsfile", depsFile, assembly })
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>Tells a started worker its proxy's address and the pool's secret, privately, over its stdin.</summary>
    public static void Introduce(Process worker, string parentPath, string secret)
    {
        worker.StandardInput.WriteLine(parentPath);
        worker.StandardInput.WriteLine(secret);
        worker.StandardInput.Flush();
    }

    private static string DotnetHost()
    {
        var name = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == name)
        {
            return self;
        }

        // An apphost-started app: the muxer sits three levels above the shared runtime (dotnet/shared/Microsoft.NETCore.App/<v>/).
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        foreach (var candidate in new[] { Path.Combine(root, name), Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new NotSupportedException($"Could not find the 'dotnet' host (looked in {root}); set DOTNET_HOST_PATH to it.");
    }
}
