// A stuck call timed out and killed while the others finish; a call canceled while it runs; a map left early.
// `dotnet run --project samples/StoppingCalls`
using System.Diagnostics;
using ActorPool;

var clock = Stopwatch.StartNew();
void Say(string what) => Console.WriteLine($"[{clock.Elapsed.TotalSeconds,5:F2} s] {what}");

using var executor = new ProcessPoolExecutor(maxWorkers: 2);

// 1. A call that hangs (it never looks at its token), with a 1 s timeout and a 1 s grace period, beside eight
//    well-behaved calls. After 2 s its worker is killed and replaced; the other calls all finish.
Say("submitting a stuck call (timeout 1 s, grace 1 s) and eight 0.5 s calls");
var stuck = executor.Submit(Stuck, new CallOptions { Timeout = TimeSpan.FromSeconds(1), GracePeriod = TimeSpan.FromSeconds(1) });
var others = Enumerable.Range(1, 8).Select(i => executor.Submit(Work, i)).ToList();
try
{
    stuck.Result();
}
catch (TimeoutException e)
{
    Say($"stuck call: {e.Message}");
}

foreach (var other in others)
{
    Say($"other call: {other.Result()}");
}

// 2. A call that checks its token, canceled while it runs: it ends at once, and its future is canceled.
using var cts = new CancellationTokenSource();
var polite = executor.Submit(Polite, 10, new CallOptions { CancellationToken = cts.Token });
while (!polite.IsRunning)
{
    Thread.Sleep(10);
}

Say("canceling a running call that watches its token");
cts.Cancel();
try
{
    polite.Result();
}
catch (OperationCanceledException)
{
    Say($"polite call: canceled (IsCanceled = {polite.IsCanceled})");
}

// 3. MapAsync left early: the calls still queued are canceled, the running ones stopped.
await foreach (var square in executor.MapAsync(SlowSquare, Enumerable.Range(1, 100), bufferSize: 4))
{
    Say($"map: {square}");
    if (square >= 9)
    {
        Say("leaving the map early");
        break;
    }
}

Say("done");

// Run in the worker processes.
static int Stuck()
{
    Console.WriteLine($"  worker {Environment.ProcessId}: stuck, and not listening");
    Thread.Sleep(Timeout.Infinite);
    return 0;
}

static string Work(int i)
{
    Thread.Sleep(500);
    return $"{i} on worker {Environment.ProcessId}";
}

static int Polite(int seconds, CancellationToken token)
{
    token.WaitHandle.WaitOne(TimeSpan.FromSeconds(seconds));
    token.ThrowIfCancellationRequested();
    return seconds;
}

static int SlowSquare(int x)
{
    CallContext.CancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(200));
    CallContext.CancellationToken.ThrowIfCancellationRequested();
    return x * x;
}
