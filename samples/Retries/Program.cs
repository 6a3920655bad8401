// A flaky call retried until it succeeds, and a poison call (it kills every worker it runs on) quarantined while the
// other calls finish. `dotnet run --project samples/Retries`
using System.Diagnostics;
using ActorPool;
using Polly;
using Polly.Retry;

var clock = Stopwatch.StartNew();
void Say(string what) => Console.WriteLine($"[{clock.Elapsed.TotalSeconds,5:F2} s] {what}");

// Every call on this pool is retried up to 4 times, after 100 ms, 200 ms, 400 ms... (with jitter), when it throws an
// IOException or when its worker process dies under it. A call whose workers die 3 times is a poison call.
var policy = new ExecutorPolicy
{
    Retry = new RetryStrategyOptions
    {
        MaxRetryAttempts = 4,
        Delay = TimeSpan.FromMilliseconds(100),
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        ShouldHandle = new PredicateBuilder().Handle<IOException>().HandleWorkerDeath(),
        OnRetry = args =>
        {
            Say($"  retrying after attempt {args.AttemptNumber + 1} ({args.Outcome.Exception?.GetType().Name}), in {args.RetryDelay.TotalMilliseconds:F0} ms");
            return default;
        },
    },
    MaxWorkerDeathsPerCall = 3,
};

using var executor = new ProcessPoolExecutor(maxWorkers: 2, policy: policy);
var attempts = Path.Combine(Path.GetTempPath(), $"actorpool-retries-{Guid.NewGuid():N}");
Directory.CreateDirectory(attempts);

// 1. A call that fails twice with an IOException, then succeeds: one future, three attempts.
Say("submitting a flaky call (fails twice, then succeeds)");
Say($"flaky call: {executor.Submit(Flaky, attempts).Result()}");

// 2. A call that ends its worker process every time, beside 20 ordinary calls: after three deaths it fails as a
//    poison call, the pool replaces its workers, and the other calls all finish.
Say("submitting a poison call (it exits its worker process) and 20 ordinary calls");
var poison = executor.Submit(Poison, 42);
var others = Enumerable.Range(1, 20).Select(i => executor.Submit(Square, i)).ToList();
try
{
    poison.Result();
}
catch (PoisonCallException e)
{
    Say($"poison call: {e.Message}");
    Say($"  exit codes: [{string.Join(", ", e.ExitCodes)}], attempts: {CallRetries.AttemptsOf(e)}");
}

Say($"ordinary calls: {string.Join(" ", others.Select(f => f.Result()))}");
Say($"the pool goes on: {executor.Submit(Square, 12).Result()}");
Directory.Delete(attempts, recursive: true);

// Functions run in the worker processes: static methods, which capture nothing.
static string Flaky(string attempts)
{
    File.Create(Path.Combine(attempts, Guid.NewGuid().ToString("N"))).Dispose();
    var attempt = Directory.GetFiles(attempts).Length;
    return attempt < 3 ? throw new IOException($"attempt {attempt}: the share is busy") : $"succeeded on attempt {attempt} in worker {Environment.ProcessId}";
}

static int Poison(int exitCode)
{
    Environment.Exit(exitCode);
    return 0;
}

static int Square(int x) => x * x;
