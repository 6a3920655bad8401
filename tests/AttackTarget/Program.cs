using System.Globalization;
using System.Reflection;
using ActorPool;
using Akka.Actor;

// Starts a process pool of two workers and prints "parent ADDRESS" (its actor system's address) and "ready"; then
// answers commands on stdin, one a line, until stdin ends:
//   call N    prints "result R" for the pool's answer to Ident(N)
//   pids      prints "pids A B": the pids of two calls run at the same time (both workers, when both are up)
//   exhaust   opens files until this process has no file descriptor left; prints "exhausted N"
//   release   closes them again; prints "released"
using var executor = new ProcessPoolExecutor(maxWorkers: 2);
var system = (ActorSystem)typeof(ProcessPoolExecutor).GetField("system", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(executor)!;
Console.WriteLine($"parent {((ExtendedActorSystem)system).Provider.DefaultAddress}");
Console.WriteLine(Pids(executor));
Console.WriteLine("ready");
var held = new List<FileStream>();
while (Console.ReadLine() is { } line)
{
    var words = line.Split(' ');
    switch (words[0])
    {
        case "call":
            var n = int.Parse(words[1], CultureInfo.InvariantCulture);
            Console.WriteLine($"result {executor.Submit(Calls.Ident, n).Result(TimeSpan.FromSeconds(60))}");
            break;
        case "pids":
            Console.WriteLine(Pids(executor));
            break;
        case "exhaust":
            try
            {
                while (true)
                {
                    held.Add(new FileStream("/dev/null", FileMode.Open, FileAccess.Read));
                }
            }
            catch (IOException)
            {
                Console.WriteLine($"exhausted {held.Count}");
            }

            break;
        case "release":
            held.ForEach(f => f.Dispose());
            held.Clear();
            Console.WriteLine("released");
            break;
    }
}

static string Pids(ProcessPoolExecutor executor)
{
    var pair = new[] { executor.Submit(Calls.PidAfterAWhile), executor.Submit(Calls.PidAfterAWhile) };
    return string.Create(CultureInfo.InvariantCulture, $"pids {pair[0].Result(TimeSpan.FromSeconds(60))} {pair[1].Result(TimeSpan.FromSeconds(60))}");
}

/// <summary>What the target's workers run.</summary>
internal static class Calls
{
    public static int Ident(int n) => n;

    /// <summary>The worker's pid, after long enough that the other call of a pair lands on the other worker.</summary>
    public static int PidAfterAWhile()
    {
        Thread.Sleep(300);
        return Environment.ProcessId;
    }
}
