using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ActorPool;
using ActorPool.Cluster;
using ActorPool.Cluster.Configuration;
using Akka.Actor;
using Akka.Configuration;
using PartitionCoordinator;
using Polly;
using Polly.Retry;

// A coordinator for the partition tests, driven over stdin one command a line; it answers on stdout.
//   args: --host ADDRESS --config FILE          (the secret comes from ACTORPOOL_CLUSTER_SECRET)
//   prints "address: akka.tcp://actorpool@..." once it listens.
//   workers N                          -> "workers: N" once N node workers are attached
//   run BATCH COUNT MS RETRY MARKS     -> submits COUNT calls of Calls.Work (RETRY 1: retried on a node's death), "submitted: BATCH"
//   removed HOST                       -> "removed: HOST" once no member at HOST is left in the cluster (downed and removed)
//   settle BATCH SECONDS               -> waits up to SECONDS for the batch, prints a "call: ..." line per call (with the
//                                         ms from this command to the call's settling, negative if before), then
//                                         "settled: BATCH ok=A failed=B lost=C twice=D"
// lost counts futures still not done at the deadline; twice counts futures whose done callbacks ran more than once (a
// result delivered twice). The test checks each result's pid against the marks the calls left (one delivered to the
// wrong future).
if (args is not ["--host", var host, "--config", var configFile])
{
    Console.Error.WriteLine("usage: PartitionCoordinator --host ADDRESS --config FILE");
    return 2;
}

// The system the executor would make for itself (ClusterConfig), made here so that "removed" can watch its membership.
var config = ClusterConfig.ForMember(ConfigurationFactory.ParseString(File.ReadAllText(configFile)), host, null, "coordinator-role");
var system = ActorSystem.Create(config.GetString("actorpool.cluster.system-name"), config);
var cluster = Akka.Cluster.Cluster.Get(system);
cluster.Join(cluster.SelfAddress);
var executor = new ClusterPoolExecutor(new ClusterPoolExecutorOptions(), system);
// A call whose node dies under it (crashes, is cut off, freezes) runs again elsewhere, up to twice.
var retried = new CallOptions
{
    Retry = new RetryStrategyOptions
    {
        MaxRetryAttempts = 2,
        Delay = TimeSpan.FromMilliseconds(100),
        ShouldHandle = new PredicateBuilder().HandleWorkerDeath(),
    },
};
var batches = new ConcurrentDictionary<string, List<Tracked>>();
Say($"address: {executor.Address}");
while (Console.ReadLine() is { } line)
{
    try
    {
        switch (line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            case ["workers", var n]:
                await executor.WaitForWorkersAsync(Number(n), TimeSpan.FromSeconds(60));
                Say($"workers: {executor.Workers}");
                break;
            case ["run", var batch, var count, var ms, var retry, var marks]:
                batches[batch] = Enumerable.Range(0, Number(count))
                    .Select(i => Tracked.Of(executor.Submit(Calls.Work, marks, $"{batch}-{i}", Number(ms), retry == "1" ? retried : null)))
                    .ToList();
                Say($"submitted: {batch}");
                break;
            case ["removed", var memberHost]:
                await Removed(cluster, memberHost, TimeSpan.FromSeconds(60));
                Say($"removed: {memberHost}");
                break;
            case ["settle", var batch, var seconds]:
                Settle(batch, batches[batch], TimeSpan.FromSeconds(Number(seconds)));
                break;
            default:
                Say($"error: unknown command '{line}'");
                break;
        }
    }
    catch (Exception e)
    {
        Say($"error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
    }
}

executor.Dispose();
await system.Terminate();
return 0;

static void Settle(string batch, List<Tracked> calls, TimeSpan timeout)
{
    var since = Stopwatch.GetTimestamp();
    Future.Wait(calls.Select(c => c.Future), timeout);
    int ok = 0, failed = 0, lost = 0, twice = 0;
    for (var i = 0; i < calls.Count; i++)
    {
        var (future, callbacks) = (calls[i].Future, calls[i].Callbacks);
        if (callbacks > 1)
        {
            twice++;
        }

        if (!future.IsDone)
        {
            lost++;
            Say($"call: {batch} {i} lost");
        }
        else if (future.Exception() is { } error)
        {
            failed++;
            var node = (error as BrokenClusterPoolException)?.Node ?? "-";
            Say($"call: {batch} {i} failed {error.GetType().Name} {node} attempts={CallRetries.AttemptsOf(error)?.ToString(CultureInfo.InvariantCulture) ?? "-"} {calls[i].SettledAfter(since)}");
        }
        else
        {
            ok++;
            Say($"call: {batch} {i} ok {future.Result().ToString(CultureInfo.InvariantCulture)} {calls[i].SettledAfter(since)}");
        }
    }

    Say($"settled: {batch} ok={ok} failed={failed} lost={lost} twice={twice}");
}

static async Task Removed(Akka.Cluster.Cluster cluster, string host, TimeSpan timeout)
{
    var deadline = DateTime.UtcNow + timeout;
    while (cluster.State.Members.Any(m => m.Address.Host == host) || cluster.State.Unreachable.Any(m => m.Address.Host == host))
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException($"The member at {host} is still in the cluster after {timeout}.");
        }

        await Task.Delay(50);
    }
}

static int Number(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

static void Say(string line)
{
    lock (Console.Out)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }
}

/// <summary>A submitted call's future and how many times its done callbacks ran (more than once would be a result delivered twice).</summary>
internal sealed class Tracked
{
    private int callbacks;
    private long doneAt;

    private Tracked(Future<int> future) => Future = future;

    public Future<int> Future { get; }

    public int Callbacks => Volatile.Read(ref callbacks);

    public static Tracked Of(Future<int> future)
    {
        var tracked = new Tracked(future);
        future.AddDoneCallback(_ =>
        {
            Volatile.Write(ref tracked.doneAt, Stopwatch.GetTimestamp());
            Interlocked.Increment(ref tracked.callbacks);
        });
        return tracked;
    }

    /// <summary>Milliseconds from <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp) to when the future was done; negative if before.</summary>
    public string SettledAfter(long since)
    {
        var done = Volatile.Read(ref doneAt);
        var ms = (long)Stopwatch.GetElapsedTime(Math.Min(since, done), Math.Max(since, done)).TotalMilliseconds;
        return (done < since ? -ms : ms).ToString(CultureInfo.InvariantCulture);
    }
}
