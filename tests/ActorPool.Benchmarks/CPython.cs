using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ActorPool.Benchmarks;

/// <summary>Medians reported by <c>cpython_bench.py</c>.</summary>
internal sealed record CPythonResult(string Version, double SubmitCollectPerSecond, double MapPerSecond, double RoundTripMicros);

internal static class CPython
{
    /// <summary>Runs cpython_bench.py (the thread pool) with <c>python3</c>; null when python3 is not on PATH.</summary>
    public static CPythonResult? Run(int workers, int calls, int mapItems, int roundTrips, int reps)
    {
        using var json = RunScript("cpython_bench.py", workers, calls, mapItems, roundTrips, reps);
        if (json is null)
        {
            return null;
        }

        var root = json.RootElement;
        return new CPythonResult(
            root.GetProperty("python").GetString() ?? "?",
            root.GetProperty("submit_collect_calls_per_s").GetDouble(),
            root.GetProperty("map_items_per_s").GetDouble(),
            root.GetProperty("round_trip_us").GetDouble());
    }

    /// <summary>Runs a script next to the program with <c>python3</c> and parses its JSON; null when python3 is not on PATH.</summary>
    public static JsonDocument? RunScript(string script, params int[] args)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg.ToString(CultureInfo.InvariantCulture));
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        }
        catch (Win32Exception)
        {
            // Process.Start's way of saying the executable is not on PATH.
            return null;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{script} exited with code {process.ExitCode}.");
            }

            return JsonDocument.Parse(output);
        }
    }
}
