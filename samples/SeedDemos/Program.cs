// The seed's four concurrent.futures demos, ported to ActorPool's ProcessPoolExecutor.
// `dotnet run --project samples/SeedDemos` runs all four; an argument (1-4) runs one.
using System.Diagnostics;
using ActorPool;
using SeedDemos;

var demos = new Action[] { SubmitTwo, SubmitTenThenAsCompleted, AsCompletedOfFive, MapOfFive };
int[] calls = [2, 10, 5, 5]; // each demo's DoSomething calls, for the live view's bars

// On a terminal, a live view runs this same program as a child and shows its lines above a bar per demo; the
// child's output is redirected, so it runs the demos below and prints exactly what it would print to a file.
if (LiveView.Supported)
{
    return LiveView.Run(args, calls);
}

var chosen = args.Length == 0 ? Enumerable.Range(1, demos.Length) : args.Select(int.Parse);
foreach (var number in chosen)
{
    if (number < 1 || number > demos.Length)
    {
        Console.Error.WriteLine($"There is no demo {number}; choose 1 to {demos.Length}, or none for all.");
        return 1;
    }

    Console.WriteLine($"--- demo {number} ---");
    var start = Stopwatch.GetTimestamp();
    demos[number - 1]();
    Console.WriteLine($"Finished in {Stopwatch.GetElapsedTime(start).TotalSeconds:F2} second(s)");
}

return 0;

// Runs in a worker process: its output reaches this console, as in Python.
static string DoSomething(int seconds)
{
    Console.WriteLine($"Sleeping {seconds} second(s)...");
    Thread.Sleep(TimeSpan.FromSeconds(seconds));
    return $"Done Sleeping...{seconds}";
}

static void SubmitTwo()
{
    using var executor = new ProcessPoolExecutor();
    var f1 = executor.Submit(DoSomething, 1);
    var f2 = executor.Submit(DoSomething, 1);
    Console.WriteLine(f1.Result());
    Console.WriteLine(f2.Result());
}

static void SubmitTenThenAsCompleted()
{
    List<Future<string>> results;
    using (var executor = new ProcessPoolExecutor())
    {
        results = Enumerable.Range(0, 10).Select(_ => executor.Submit(DoSomething, 1)).ToList();
    }

    foreach (var f in Future.AsCompleted(results))
    {
        Console.WriteLine(f.Result());
    }
}

static void AsCompletedOfFive()
{
    using var executor = new ProcessPoolExecutor();
    int[] secs = [5, 4, 3, 2, 1];
    var results = secs.Select(sec => executor.Submit(DoSomething, sec)).ToList();
    foreach (var f in Future.AsCompleted(results))
    {
        Console.WriteLine(f.Result());
    }
}

static void MapOfFive()
{
    using var executor = new ProcessPoolExecutor();
    int[] secs = [5, 4, 3, 2, 1];
    foreach (var result in executor.Map(DoSomething, secs))
    {
        Console.WriteLine(result);
    }
}
