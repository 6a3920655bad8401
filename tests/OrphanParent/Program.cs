using System.Globalization;
using ActorPool;

// Starts a process pool of two workers, prints each worker's pid on a line of its own ("worker-pid: 1234"),
// then blocks until it is killed. ProcessPoolExecutorTests starts it, reads the pids, kills it with SIGKILL and
// checks that the workers exit by themselves. Two calls submitted together go to the two idle workers, so
// usually the first pair already reports both; the loop only guards against a slow start.
using var executor = new ProcessPoolExecutor(maxWorkers: 2);
var pids = new HashSet<int>();
for (var round = 0; round < 50 && pids.Count < executor.MaxWorkers; round++)
{
    var pair = new[] { executor.Submit(WorkerCalls.PidAfterAWhile), executor.Submit(WorkerCalls.PidAfterAWhile) };
    foreach (var future in pair)
    {
        if (pids.Add(future.Result(TimeSpan.FromSeconds(60))))
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"worker-pid: {future.Result()}"));
            Console.Out.Flush();
        }
    }
}

Console.Out.WriteLine("ready");
Console.Out.Flush();
Thread.Sleep(Timeout.Infinite);

/// <summary>What the orphan parent runs in its worker processes.</summary>
internal static class WorkerCalls
{
    /// <summary>The worker's pid, after long enough that the other call of the pair lands on the other worker.</summary>
    public static int PidAfterAWhile()
    {
        Thread.Sleep(200);
        return Environment.ProcessId;
    }
}
