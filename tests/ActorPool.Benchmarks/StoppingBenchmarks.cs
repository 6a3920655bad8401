using System.Diagnostics;
using System.Globalization;
using ActorPool;

namespace ActorPool.Benchmarks;

/// <summary>One stopping figure's runs, in milliseconds, with their median and 95th percentile (nearest rank).</summary>
internal sealed record Latencies(double[] Millis)
{
    public int Count => Millis.Length;

    public double Median
    {
        get
        {
            var sorted = Sorted();
            var mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }

    public double P95
    {
        get
        {
            var sorted = Sorted();
            return sorted[Math.Max(0, (int)Math.Ceiling(0.95 * sorted.Length) - 1)];
        }
    }

    public double Max => Millis.Max();

    private double[] Sorted() => Millis.Order().ToArray();
}

/// <summary>
/// Forced stops of hung calls, each counted from the end of its grace period (its start + timeout + grace): to its future
/// settled, and to the result of a new call on the same one-worker pool, which only the worker's replacement can run.
/// </summary>
internal sealed record ForcedStops(Latencies Settled, Latencies Replaced);

/// <summary>The stopping figures: cooperative cancels of running calls, and forced stops of calls that ignore their token.</summary>
internal sealed record StoppingResult(
    Latencies ThreadCancel, Latencies ThreadCancelCallback, Latencies ProcessCancel, Latencies ProcessCancelCallback,
    ForcedStops ThreadForced, ForcedStops ProcessForcedFreshPools, ForcedStops ProcessForcedOnePool,
    TimeSpan Timeout, TimeSpan Grace);

/// <summary>
/// How fast a call submitted with <see cref="CallOptions"/> stops. A cooperative cancel is timed from
/// <see cref="CancellationTokenSource.Cancel()"/> on a call that is already waiting on its token to the future settled.
/// A forced stop is timed from the moment the library may act (the call's start + timeout + grace) for a call that
/// ignores its token. Every run first waits until the call itself says it has started, so no figure is of a call still
/// queued or travelling (a pending call's cancel is a different, cheaper path).
/// </summary>
internal static class StoppingBenchmarks
{
    /// <summary>Short enough to keep the runs quick, long enough that the call has surely started when it runs out.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(200);

    /// <summary>Ample time for a spare worker process to boot on this machine (about 0.3 s alone), as ProcessPoolBenchmarks.</summary>
    private static readonly TimeSpan SparesBootTime = TimeSpan.FromSeconds(1.5);

    /// <summary>Far beyond any run's grace period: a call that still hangs then is not being stopped at all.</summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    public static StoppingResult Run(bool quick)
    {
        var threadCancels = quick ? 50 : 200;
        var processCancels = quick ? 20 : 100;
        var forcedStops = quick ? 3 : 10;
        var options = new CallOptions { Timeout = Timeout, GracePeriod = Grace };
        var dir = Directory.CreateTempSubdirectory("actorpool-stopping-bench-");
        try
        {
            Latencies threadCancel, threadCancelCallback, processCancel, processCancelCallback;
            using (var executor = new ThreadPoolExecutor(2))
            {
                Progress(Invariant($"ThreadPoolExecutor(2) cooperative cancel of a running call ×{threadCancels}"));
                (threadCancel, threadCancelCallback) = Cancels(threadCancels, warmUps: 20, token => StartWaitingThread(executor, token));
            }

            using (var executor = new ProcessPoolExecutor(2))
            {
                Progress(Invariant($"ProcessPoolExecutor(2) cooperative cancel of a running call ×{processCancels}"));
                // The spares a pool boots once its workers are up take this 2-core machine's CPU for a second: cancels
                // timed meanwhile measured that boot (up to 30 ms each), not the stop path.
                Check(executor.Submit(Inc, 0).Result());
                Thread.Sleep(SparesBootTime);
                var n = 0;
                (processCancel, processCancelCallback) = Cancels(processCancels, warmUps: 20, token =>
                {
                    var started = Path.Combine(dir.FullName, Invariant($"cancel-{n++}"));
                    var future = executor.Submit(WaitForCancel, started, options: new CallOptions { CancellationToken = token });
                    WaitStarted(started);
                    return future;
                });
            }

            Progress(Invariant($"ThreadPoolExecutor(1) forced stop (abandoned thread) of a hung call ×{forcedStops}"));
            var threadForced = ThreadForcedStops(forcedStops, options);

            // A pool boots its spare once its own workers are up; a fresh pool per run, given time for that, has a spare
            // booted when its worker is killed: the figure the spare-workers setting is there for.
            Progress(Invariant($"ProcessPoolExecutor(1) forced stop (worker killed and replaced), a fresh pool with its spare booted ×{forcedStops}"));
            var fresh = new List<(double Settled, double Replaced)>();
            for (var r = -1; r < forcedStops; r++)
            {
                using var executor = new ProcessPoolExecutor(1);
                Check(executor.Submit(Inc, 0).Result());
                Thread.Sleep(SparesBootTime);
                var run = ProcessForcedStop(executor, Path.Combine(dir.FullName, Invariant($"fresh-{r + 1}")), options);
                if (r >= 0)
                {
                    fresh.Add(run); // the first run, a warm-up, pays for JIT-compiling the kill and replace paths
                }
            }

            // What a long-lived pool sees: one kill after another, each given the same time for a spare to boot between.
            Progress(Invariant($"ProcessPoolExecutor(1) forced stop, {forcedStops} in a row on one pool"));
            var onePool = new List<(double Settled, double Replaced)>();
            using (var executor = new ProcessPoolExecutor(1))
            {
                Check(executor.Submit(Inc, 0).Result());
                for (var r = 0; r < forcedStops; r++)
                {
                    Thread.Sleep(SparesBootTime);
                    onePool.Add(ProcessForcedStop(executor, Path.Combine(dir.FullName, Invariant($"one-pool-{r}")), options));
                }
            }

            var result = new StoppingResult(threadCancel, threadCancelCallback, processCancel, processCancelCallback,
                threadForced, Forced(fresh), Forced(onePool), Timeout, Grace);
            Print(result);
            return result;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // Adds one: a new call's result proves a worker ran it.
    private static int Inc(int x) => x + 1;

    /// <summary>A process pool's call that stops when asked: says it has started, then waits on its token.</summary>
    private static int WaitForCancel(string startedFile, CancellationToken token)
    {
        SayStarted(startedFile);
        token.WaitHandle.WaitOne();
        token.ThrowIfCancellationRequested();
        return 0;
    }

    /// <summary>A process pool's call that ignores its token (it does not even take it): only killing its worker ends it.</summary>
    private static int Hang(string startedFile)
    {
        SayStarted(startedFile);
        Thread.Sleep(TimeSpan.FromSeconds(60));
        return 0;
    }

    /// <summary>
    /// Writes when the call started, written whole (renamed into place) so the parent never reads half of it. A Stopwatch
    /// timestamp is CLOCK_MONOTONIC on Linux, the same clock in every process (the pool times its calls' timeouts by it too).
    /// </summary>
    private static void SayStarted(string file)
    {
        File.WriteAllText(file + ".tmp", Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture));
        File.Move(file + ".tmp", file);
    }

    /// <summary>Waits for a worker process's call to say it has started, then gives it a moment to reach its wait; returns its start.</summary>
    private static long WaitStarted(string file)
    {
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(file))
        {
            if (deadline.Elapsed > StartLimit)
            {
                throw new InvalidOperationException($"The call did not start within {StartLimit}.");
            }

            Thread.Sleep(1);
        }

        // One millisecond more: the call writes the file just before it waits, and a cancel that beat the wait would time a shortcut.
        Thread.Sleep(1);
        return long.Parse(File.ReadAllText(file), CultureInfo.InvariantCulture);
    }

    /// <summary>Starts a thread pool call that waits on its token, and returns once it is waiting.</summary>
    private static Future<int> StartWaitingThread(ThreadPoolExecutor executor, CancellationToken token)
    {
        using var started = new ManualResetEventSlim(false);
        var future = executor.Submit(
            (CancellationToken callToken) =>
            {
                started.Set();
                callToken.WaitHandle.WaitOne();
                callToken.ThrowIfCancellationRequested();
                return 0;
            },
            options: new CallOptions { CancellationToken = token });
        if (!started.Wait(StartLimit, CancellationToken.None)) // the token is the call's, canceled only once it waits
        {
            throw new InvalidOperationException($"The call did not start within {StartLimit}.");
        }

        Thread.Sleep(1); // as WaitStarted: let it reach its wait
        return future;
    }

    /// <summary>
    /// Cancels <paramref name="runs"/> running calls, one at a time, after <paramref name="warmUps"/> untimed ones. Each is
    /// timed from just before Cancel() to (1) Result() returning on this thread, blocked on it since Cancel() returned, as a
    /// caller sees it, and (2) the future's done-callback, wherever it runs (on a thread pool thread when the thread that
    /// settles the future must not run user code; then (1) can come first).
    /// </summary>
    private static (Latencies Waiter, Latencies Callback) Cancels(int runs, int warmUps, Func<CancellationToken, Future<int>> startWaiting)
    {
        var waiter = new List<double>();
        var callback = new List<double>();
        for (var r = -warmUps; r < runs; r++)
        {
            using var source = new CancellationTokenSource();
            var future = startWaiting(source.Token);
            using var calledBack = new ManualResetEventSlim(false);
            long calledBackAt = 0;
            future.AddDoneCallback(_ =>
            {
                Volatile.Write(ref calledBackAt, Stopwatch.GetTimestamp());
                calledBack.Set();
            });

            var canceledAt = Stopwatch.GetTimestamp();
            source.Cancel();
            try
            {
                future.Result(StartLimit);
                throw new InvalidOperationException("The call was not canceled: it returned.");
            }
            catch (OperationCanceledException)
            {
                // what a canceled future's Result throws
            }

            var returnedAt = Stopwatch.GetTimestamp();
            if (!calledBack.Wait(StartLimit) || !future.IsCanceled)
            {
                throw new InvalidOperationException("The canceled call's future did not end canceled.");
            }

            if (r >= 0)
            {
                waiter.Add(Millis(canceledAt, returnedAt));
                callback.Add(Millis(canceledAt, Volatile.Read(ref calledBackAt)));
            }
        }

        return (new Latencies([.. waiter]), new Latencies([.. callback]));
    }

    /// <summary>
    /// A thread pool of one worker, calls that ignore their token: each is abandoned once its grace period is over, and the
    /// worker runs the next call at once. Each hung call is let go after its run, so abandoned threads do not pile up.
    /// </summary>
    private static ForcedStops ThreadForcedStops(int runs, CallOptions options)
    {
        var results = new List<(double Settled, double Replaced)>();
        using var executor = new ThreadPoolExecutor(1);
        for (var r = -1; r < runs; r++)
        {
            using var started = new ManualResetEventSlim(false);
            using var release = new ManualResetEventSlim(false);
            long startedAt = 0;
            var future = executor.Submit(
                () =>
                {
                    Volatile.Write(ref startedAt, Stopwatch.GetTimestamp());
                    started.Set();
                    release.Wait(); // not its token: it hangs until this run is over
                    return 0;
                },
                options: options);
            if (!started.Wait(StartLimit))
            {
                throw new InvalidOperationException($"The call did not start within {StartLimit}.");
            }

            var run = Settle(future, Volatile.Read(ref startedAt), options, () => executor.Submit(Inc, 0).Result());
            release.Set();
            SpinWait.SpinUntil(() => executor.AbandonedThreads == 0, StartLimit);
            if (r >= 0)
            {
                results.Add(run); // the first run, a warm-up, pays for JIT-compiling the abandon path
            }
        }

        return Forced(results);
    }

    private static (double Settled, double Replaced) ProcessForcedStop(ProcessPoolExecutor executor, string startedFile, CallOptions options)
    {
        var future = executor.Submit(Hang, startedFile, options: options);
        return Settle(future, WaitStarted(startedFile), options, () => executor.Submit(Inc, 0).Result());
    }

    /// <summary>
    /// Waits for a hung call's future to fail with the TimeoutException of its timeout, then runs a new call; returns both
    /// moments in milliseconds after the end of the grace period, counted from <paramref name="startedAt"/>.
    /// </summary>
    private static (double Settled, double Replaced) Settle(Future<int> future, long startedAt, CallOptions options, Func<int> next)
    {
        var error = future.Exception(StartLimit);
        var settledAt = Stopwatch.GetTimestamp();
        if (error is not TimeoutException)
        {
            throw new InvalidOperationException($"The hung call ended with {error?.GetType().Name ?? "a result"}, not a TimeoutException.", error);
        }

        Check(next());
        var replacedAt = Stopwatch.GetTimestamp();
        var graceEnds = startedAt + (long)((options.Timeout!.Value + options.GracePeriod!.Value).TotalSeconds * Stopwatch.Frequency);
        return (Millis(graceEnds, settledAt), Millis(graceEnds, replacedAt));
    }

    private static ForcedStops Forced(List<(double Settled, double Replaced)> runs) =>
        new(new Latencies([.. runs.Select(r => r.Settled)]), new Latencies([.. runs.Select(r => r.Replaced)]));

    private static void Check(int result)
    {
        if (result != 1)
        {
            throw new InvalidOperationException($"A new call returned {result}, not 1.");
        }
    }

    private static double Millis(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    private static void Print(StoppingResult s)
    {
        Console.WriteLine();
        Console.WriteLine(Invariant($"Stopping calls (CallOptions): cooperative cancels of running calls that wait on their token; forced stops of calls that ignore it, with Timeout {s.Timeout.TotalMilliseconds:N0} ms and GracePeriod {s.Grace.TotalMilliseconds:N0} ms."));
        Console.WriteLine();
        Console.WriteLine("| stopping benchmark | runs | median | p95 | max |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Row("ThreadPoolExecutor(2) cancel: Cancel() → a blocked Result() returns", s.ThreadCancel);
        Row("the same → the done-callback runs", s.ThreadCancelCallback);
        Row("ProcessPoolExecutor(2) cancel: Cancel() → a blocked Result() returns", s.ProcessCancel);
        Row("the same → the done-callback runs", s.ProcessCancelCallback);
        Row("ThreadPoolExecutor(1) forced stop: grace over → future settled (thread abandoned)", s.ThreadForced.Settled);
        Row("the same → a new call's result (the worker goes on)", s.ThreadForced.Replaced);
        Row("ProcessPoolExecutor(1) forced stop, fresh pool, spare booted: grace over → future settled (worker killed)", s.ProcessForcedFreshPools.Settled);
        Row("the same → a new call's result (on the replacement worker)", s.ProcessForcedFreshPools.Replaced);
        Row("ProcessPoolExecutor(1) forced stops in a row on one pool: grace over → future settled", s.ProcessForcedOnePool.Settled);
        Row("the same → a new call's result (on the replacement worker)", s.ProcessForcedOnePool.Replaced);
        Console.WriteLine();
        Console.WriteLine("Forced stops count from the call's start + timeout + grace, the start being the moment the call says it started. The pool's own clock starts a");
        Console.WriteLine("little earlier (before it resolves the function; on a new worker, JIT-compiles it), so a stop right on time can show slightly negative; a");
        Console.WriteLine("process pool's forced stop also waits for the actor scheduler's next tick (10 ms).");
        Console.WriteLine(Invariant($"The in-a-row runs are {SparesBootTime.TotalSeconds:N1} s apart, so a spare booted after each replacement would be ready for the next kill; in run order: ") +
            string.Join(", ", s.ProcessForcedOnePool.Replaced.Millis.Select(Ms)) + ".");
    }

    private static void Row(string name, Latencies l) =>
        Console.WriteLine(Invariant($"| {name} | {l.Count} | {Ms(l.Median)} | {Ms(l.P95)} | {Ms(l.Max)} |"));

    /// <summary>Milliseconds with the precision a figure needs: a sub-millisecond cancel shows its microseconds.</summary>
    public static string Ms(double millis) => Invariant($"{millis:N3} ms");

    private static void Progress(string what) => Console.Error.WriteLine($"measuring {what}...");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
