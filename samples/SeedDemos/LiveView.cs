using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Spectre.Console;

namespace SeedDemos;

/// <summary>
/// The demos on a terminal: a Spectre.Console progress bar per demo, redrawn in place, with the demos' own lines
/// printed above the bars. The workers print straight to this process's standard output (as in Python), so a live
/// display drawn beside them would be torn by their lines. Instead this process runs the same program again as
/// a child with its output piped: the child, its workers included, prints what it always prints, each line comes
/// through here, and the bars follow the lines (each call prints once when it starts and once for its result).
/// The demos' timings are the child's own, so the view does not change them.
/// </summary>
internal static partial class LiveView
{
    /// <summary>True when standard output is a terminal that takes cursor movements.</summary>
    public static bool Supported =>
        !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities is { Ansi: true, Interactive: true };

    /// <summary>Runs the demos named by <paramref name="args"/> in a child process, showing their progress.</summary>
    /// <param name="args">This program's arguments, passed on unchanged.</param>
    /// <param name="calls">How many calls each demo makes, by demo number from 1.</param>
    /// <returns>The child's exit code.</returns>
    public static int Run(string[] args, int[] calls)
    {
        // Ctrl+C reaches the child and its workers too; this process stays to print their last lines.
        Console.CancelKeyPress += (_, e) => e.Cancel = true;
        using var child = Process.Start(StartInfo(args)) ?? throw new InvalidOperationException("Could not run the demos.");
        using var lines = new BlockingCollection<string>();
        var open = 2; // stdout and stderr, both shown in order of arrival: on a terminal they share the screen anyway
        child.OutputDataReceived += (_, e) => Relay(e.Data);
        child.ErrorDataReceived += (_, e) => Relay(e.Data);
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();

        // Bars from the first demo on: a run that starts none (a bad argument) prints its error and nothing else.
        string? first = null;
        foreach (var line in lines.GetConsumingEnumerable())
        {
            if (DemoHeader().IsMatch(line))
            {
                first = line;
                break;
            }

            Console.WriteLine(line);
        }

        if (first is not null)
        {
            AnsiConsole.Progress()
                .AutoClear(false) // the finished bars stay
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .Start(progress => Follow(progress, lines.GetConsumingEnumerable().Prepend(first), calls));
        }

        child.WaitForExit();
        return child.ExitCode;

        void Relay(string? line)
        {
            if (line is not null)
            {
                lines.Add(line);
            }
            else if (Interlocked.Decrement(ref open) == 0)
            {
                lines.CompleteAdding();
            }
        }
    }

    /// <summary>Prints each line above the bars and moves the bar of the demo it belongs to.</summary>
    private static void Follow(ProgressContext progress, IEnumerable<string> lines, int[] calls)
    {
        ProgressTask? demo = null;
        int started = 0, done = 0, total = 0, number = 0;
        foreach (var line in lines)
        {
            // As wide as the terminal: the bars were drawn where the line goes, and it must cover them.
            AnsiConsole.Write(new Grid().Expand().AddColumn().AddRow(new Text(line)));
            if (DemoHeader().Match(line) is { Success: true } header)
            {
                number = int.Parse(header.Groups[1].Value, CultureInfo.InvariantCulture);
                total = number <= calls.Length ? calls[number - 1] : 0;
                (started, done) = (0, 0);
                demo = progress.AddTask(Describe(number, started, done, total), maxValue: 2 * Math.Max(total, 1));
            }
            else if (demo is null)
            {
                continue;
            }
            else if (line.StartsWith("Finished in ", StringComparison.Ordinal))
            {
                demo.Value = demo.MaxValue;
                demo.StopTask();
            }
            else
            {
                started += line.StartsWith("Sleeping ", StringComparison.Ordinal) ? 1 : 0;
                done += line.StartsWith("Done Sleeping", StringComparison.Ordinal) ? 1 : 0;
                demo.Value = started + done;
                demo.Description = Describe(number, started, done, total);
            }
        }
    }

    private static string Describe(int number, int started, int done, int total) =>
        $"demo {number}: {started}/{total} started, {done}/{total} results";

    private static ProcessStartInfo StartInfo(string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(LiveView).Assembly.Location); // run as `dotnet SeedDemos.dll`
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    [GeneratedRegex(@"^--- demo (\d+) ---$")]
    private static partial Regex DemoHeader();
}
