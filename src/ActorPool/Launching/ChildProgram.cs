using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActorPool.Launching;

/// <summary>
/// Starts one of ActorPool's programs (a worker process, a local cluster node) in a child process that loads this
/// app's assemblies, however the app was deployed, so the child can run the app's own functions.
/// </summary>
/// <remarks>
/// <para>The child is the app itself, as Python starts a frozen app's own executable
/// (<c>multiprocessing.freeze_support</c>): the app's executable (an apphost, a self-contained or a single-file app),
/// or, for an app the <c>dotnet</c> host runs (<c>dotnet app.dll</c>, a test host),
/// <c>dotnet exec --runtimeconfig {app}.runtimeconfig.json --depsfile {app}.deps.json {entry}.dll</c>. Either way it
/// loads the app's whole dependency graph. <c>DOTNET_STARTUP_HOOKS</c> names the program's assembly, so the runtime
/// calls its <c>StartupHook</c> before the app's <c>Main</c>; the hook runs the program and exits, and the app needs no
/// line of its own for it.</para>
/// </remarks>
internal sealed class ChildProgram
{
    /// <summary>Set in a child this class starts: the name of the program whose startup hook runs in it.</summary>
    internal const string ProgramVariable = "ACTORPOOL_PROGRAM";

    private const string HooksVariable = "DOTNET_STARTUP_HOOKS";

    private readonly string file;
    private readonly string[] prefix;
    private readonly string hook;

    private ChildProgram(string file, string[] prefix, string hook) => (this.file, this.prefix, this.hook) = (file, prefix, hook);

    /// <summary>How this app starts <paramref name="program"/> (an assembly of ActorPool's with a <c>StartupHook</c> that runs it).</summary>
    /// <exception cref="NotSupportedException">This app cannot start it: Native AOT, startup hooks turned off (trimming), or an app
    /// whose executable or entry assembly is unknown.</exception>
    public static ChildProgram Of(Assembly program)
    {
        if (!RuntimeFeature.IsDynamicCodeSupported)
        {
            throw new NotSupportedException(
                "This app is published with Native AOT, which ActorPool's process pools and local cluster nodes do not support: " +
                "Akka.NET generates code at run time, and a worker finds the functions it runs by name. Publish without " +
                "PublishAot; self-contained and single-file publishing (-p:PublishSingleFile=true) both work.");
        }

        if (Environment.GetEnvironmentVariable(ProgramVariable) is { Length: > 0 } unrun)
        {
            // The child's hook should have run and never returned: the app's Main must not start a pool in a worker.
            throw new InvalidOperationException(
                $"This process was started as ActorPool's '{unrun}' program, but that program's startup hook did not run, so the app's " +
                $"own Main ran instead. Do not set {ProgramVariable} yourself, and keep startup hooks enabled (<StartupHookSupport>true</StartupHookSupport>).");
        }

        if (AppContext.TryGetSwitch("System.Text.Json.JsonSerializer.IsReflectionEnabledByDefault", out var reflection) && !reflection)
        {
            throw new NotSupportedException(
                "This app is trimmed (or turns off reflection-based System.Text.Json), which ActorPool's process pools do not support: a worker " +
                "finds the functions it runs by name, and arguments and results cross processes as JSON of the app's own types, both by " +
                "reflection. Publish with <PublishTrimmed>false</PublishTrimmed>; self-contained and single-file publishing both work.");
        }

        if (AppContext.TryGetSwitch("System.StartupHookProvider.IsSupported", out var hooks) && !hooks)
        {
            throw new NotSupportedException(
                "This app runs with startup hooks turned off (trimmed apps turn them off), and ActorPool starts its worker processes as the " +
                "app's own executable through a startup hook. Set <StartupHookSupport>true</StartupHookSupport> in the app's project, and do " +
                "not trim it (<PublishTrimmed>false</PublishTrimmed>): trimming removes code Akka.NET finds by reflection.");
        }

        var self = Environment.ProcessPath;
        if (string.IsNullOrEmpty(self) || !File.Exists(self))
        {
            throw new NotSupportedException(
                $"ActorPool starts its worker processes as this app's own executable, but the path of that executable is unknown ('{self}').");
        }

        var hook = program.GetName().Name!;
        if (!IsDotnetHost(self))
        {
            return new ChildProgram(self, [], hook);
        }

        var entry = EntryAssemblyFile();
        var depsFile = AppDepsFile() ?? "";
        var runtimeConfig = depsFile.Length > 0 ? depsFile[..^".deps.json".Length] + ".runtimeconfig.json" : "";
        if (entry.Length == 0 || !File.Exists(runtimeConfig))
        {
            throw new NotSupportedException(
                $"ActorPool starts its worker processes as this app, which the dotnet host runs, but could not find the app's entry assembly " +
                $"('{entry}') or its .deps.json and .runtimeconfig.json beside it ('{depsFile}'). Start the app as 'dotnet app.dll' or through its executable.");
        }

        return new ChildProgram(self, ["exec", "--runtimeconfig", runtimeConfig, "--depsfile", depsFile, entry], hook);
    }

    /// <summary>
    /// True, once, in a child this class started as <paramref name="program"/>: the caller,
    /// that program's startup hook, then runs the program and exits. It takes the program's variables out of this process's
    /// environment, so the processes the program starts in turn (a user's own .NET tools, say) are not started as it.
    /// </summary>
    internal static bool StartedAs(Assembly program)
    {
        if (Environment.GetEnvironmentVariable(ProgramVariable) != program.GetName().Name)
        {
            return false;
        }

        Environment.SetEnvironmentVariable(ProgramVariable, null);
        var rest = (Environment.GetEnvironmentVariable(HooksVariable) ?? "")
            .Split(Path.PathSeparator)
            .Where(entry => entry.Length > 0 && entry != program.GetName().Name);
        Environment.SetEnvironmentVariable(HooksVariable, string.Join(Path.PathSeparator, rest) is { Length: > 0 } kept ? kept : null);
        return true;
    }

    /// <summary>The command that starts the program, with stdin redirected and stdout/stderr inherited (a child's output is the parent's, as in Python).</summary>
    public ProcessStartInfo StartInfo()
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var arg in prefix)
        {
            start.ArgumentList.Add(arg);
        }

        // After the app's own hooks (a profiler's, say), which then run in the child too; ours never returns.
        var hooks = Environment.GetEnvironmentVariable(HooksVariable);
        start.Environment[HooksVariable] = string.IsNullOrEmpty(hooks) ? hook : hooks + Path.PathSeparator + hook;
        start.Environment[ProgramVariable] = hook;

        return start;
    }

    /// <summary>The name of the app this process runs: its own <c>.deps.json</c>'s, else its entry assembly's.</summary>
    internal static string AppName() =>
        AppDepsFile() is { } deps
            ? Path.GetFileName(deps)[..^".deps.json".Length]
            : Assembly.GetEntryAssembly()?.GetName().Name ?? "";

    /// <summary>
    /// The app's own <c>.deps.json</c>: the one in its base directory. The host lists the app's first and the shared
    /// frameworks' after it, but a single-file app's is inside its bundle, so the first listed is then the framework's.
    /// </summary>
    private static string? AppDepsFile() =>
        (AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string)?.Split(';')
            .FirstOrDefault(deps => deps.EndsWith(".deps.json", StringComparison.OrdinalIgnoreCase)
                && string.Equals(Path.GetDirectoryName(Path.GetFullPath(deps)), Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), StringComparison.Ordinal)
                && File.Exists(deps));

    [UnconditionalSuppressMessage("SingleFile", "IL3000:Avoid accessing Assembly file path when publishing as a single file",
        Justification = "Read only for an app the dotnet host runs from its .dll, which is never a single-file bundle.")]
    private static string EntryAssemblyFile() => Assembly.GetEntryAssembly()?.Location ?? "";

    private static bool IsDotnetHost(string path) =>
        Path.GetFileName(path) == (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet");
}
