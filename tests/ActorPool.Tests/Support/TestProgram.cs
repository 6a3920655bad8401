using System.Collections.Concurrent;
using System.Diagnostics;

namespace ActorPool.Tests.Support;

/// <summary>
/// A program built into this test's output (tests/OrphanParent, tests/Attacker, tests/AttackTarget) running in a process of its own, with
/// its stdin to write to, its stdout read line by line, and its stderr kept. Killed, with its children, when disposed.
/// </summary>
internal sealed class TestProgram : IDisposable
{
    private readonly Process process;
    private readonly BlockingCollection<string> lines = new();
    private readonly ConcurrentQueue<string> errors = new();

    private TestProgram(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                lines.CompleteAdding();
            }
            else
            {
                lines.Add(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                errors.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Its exit code, once it has exited.</summary>
    public int ExitCode => process.ExitCode;

    /// <summary>Everything it wrote to stderr so far.</summary>
    public string Errors => string.Join('\n', errors);

    /// <summary>Every line of stdout read so far, for a failure message.</summary>
    public List<string> Seen { get; } = [];

    public static TestProgram Start(string name, params string[] args)
    {
        var start = StartInfo(name, args);
        start.RedirectStandardInput = true;
        return new TestProgram(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}.dll."));
    }

    /// <summary>Starts <paramref name="start"/> (from <see cref="StartInfo"/>, perhaps wrapped) with stdin, stdout and stderr redirected.</summary>
    public static TestProgram Start(ProcessStartInfo start)
    {
        start.RedirectStandardInput = start.RedirectStandardOutput = start.RedirectStandardError = true;
        return new TestProgram(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}."));
    }

    /// <summary><c>dotnet exec</c> of <paramref name="name"/>.dll from this test's output, on its own dependency graph, stdout and stderr redirected.</summary>
    public static ProcessStartInfo StartInfo(string name, params string[] args) => StartInfoOn(name, $"{name}.dll", args);

    /// <summary><c>dotnet exec</c> of <paramref name="entry"/> (a dll in this test's output) on the dependency graph of the program <paramref name="app"/>.</summary>
    public static ProcessStartInfo StartInfoOn(string app, string entry, params string[] args)
    {
        var directory = AppContext.BaseDirectory;
        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (var arg in new[]
        {
            "exec",
            "--runtimeconfig", Path.Combine(directory, $"{app}.runtimeconfig.json"),
            "--depsfile", Path.Combine(directory, $"{app}.deps.json"),
            Path.Combine(directory, entry),
        }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>The next line of stdout that starts with <paramref name="prefix"/> (the part after it), skipping others.</summary>
    public string Expect(string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !lines.TryTake(out var line, left))
            {
                throw new TimeoutException(
                    $"No line starting '{prefix}' within {timeout} (exited: {process.HasExited}); stdout: {string.Join(" | ", Seen)}; stderr: {Errors}");
            }

            Seen.Add(line);
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line[prefix.Length..];
            }
        }
    }

    public void Send(string line)
    {
        process.StandardInput.WriteLine(line);
        process.StandardInput.Flush();
    }

    public void CloseInput() => process.StandardInput.Close();

    public bool WaitForExit(TimeSpan timeout) => process.WaitForExit(timeout);

    /// <summary>Kills it (SIGKILL) at once, as a crash would, and waits for it to be gone.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose(); // the line collection stays: its reader may still be finishing on another thread
    }

    private static string DotnetHost()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == name)
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : name;
    }
}
