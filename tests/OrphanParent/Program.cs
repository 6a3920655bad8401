using System.Globalization;
using ActorPool;

// Starts a process pool of two workers, prints each worker's pid on a line of its own ("worker-pid: 1234"),
// then blocks until it is killed. ProcessPoolExecutorTests starts it, reads the pids, kills it with SIGKILL and
// checks that the workers exit by themselves. Two calls submitted together go to the two idle workers, so
// usually the first pair already reports both; the loop only guards against a slow start.
//
// With the argument "failed-constructor" it instead makes a pool whose router cannot start, in a process of its own
// (so no other test's workers count), and prints the error and then "children: " with the pids of the processes it
// still has 10 seconds later (none, if the pool let its workers go).
if (args is ["failed-constructor"])
{
    return FailedConstructor.Run();
}

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
return 0;

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

/// <summary>A process pool whose router's dispatcher does not exist, so its constructor fails after starting its workers.</summary>
internal static class FailedConstructor
{
    public static int Run()
    {
        using var system = Akka.Actor.ActorSystem.Create("failed-constructor", Akka.Configuration.ConfigurationFactory.ParseString("""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
            akka.remote.dot-netty.tcp.port = 0
            akka.loglevel = WARNING
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            akka.remote.untrusted-mode = on
            akka.remote.trusted-selection-paths = ["/system/remote-watcher"]
            actorpool.router-dispatcher = "no-such-dispatcher"
            actorpool.process-pool.spare-workers = 0
            """));
        try
        {
            using var executor = new ProcessPoolExecutor(maxWorkers: 2, system: system);
            Console.Out.WriteLine("error: none");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Out.WriteLine($"error: {e.GetType().Name}: {e.Message}");
        }

        var children = Children();
        for (var waited = 0; waited < 100 && children.Count > 0; waited++)
        {
            Thread.Sleep(100);
            children = Children();
        }

        Console.Out.WriteLine($"children: {string.Join(' ', children)}");
        Console.Out.Flush();
        return 0;
    }

    /// <summary>The pids of this process's live children, from /proc (Linux).</summary>
    private static List<int> Children()
    {
        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read past its closing parenthesis.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[1] == self && fields[0] != "Z")
                {
                    children.Add(int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // not a process directory, or the process is gone
            }
        }

        return children;
    }
}
