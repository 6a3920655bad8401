// The seed's thread demos on a ThreadPoolExecutor: submit, AsCompleted, Map, and a timing line for each.
using System.Diagnostics;
using ActorPool;

static string DoSomething(int seconds)
{
    Console.WriteLine($"Sleeping {seconds} second(s)... on {Thread.CurrentThread.Name}");
    Thread.Sleep(TimeSpan.FromSeconds(seconds));
    return $"Done Sleeping...{seconds}";
}

var clock = Stopwatch.StartNew();
using (var executor = new ThreadPoolExecutor(maxWorkers: 5))
{
    var first = executor.Submit(DoSomething, 1);
    var second = executor.Submit(DoSomething, 1);
    Console.WriteLine(first.Result());
    Console.WriteLine(second.Result());

    int[] seconds = [5, 4, 3, 2, 1];
    var futures = seconds.Select(s => executor.Submit(DoSomething, s)).ToList();
    foreach (var future in Future.AsCompleted(futures))
    {
        Console.WriteLine(future.Result());
    }

    foreach (var result in executor.Map(DoSomething, seconds))
    {
        Console.WriteLine(result);
    }
}

Console.WriteLine($"Finished in {clock.Elapsed.TotalSeconds:F2} second(s)");
