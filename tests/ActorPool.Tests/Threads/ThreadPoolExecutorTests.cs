using ActorPool.Tests.Contract;
using ActorPool.Tests.Support;
using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Akka.Actor;

namespace ActorPool.Tests.Threads;

/// <summary>
/// What only <see cref="ThreadPoolExecutor"/> does: CPython's test_thread_pool.py, the thread-pool half of
/// test_shutdown.py, and PYTHON-SEMANTICS.md §1.7. Being in-process, these calls may capture state freely.
/// </summary>
public sealed partial class ThreadPoolExecutorTests : IDisposable
{
    private const string BrokenMessage = "A thread initializer failed, the thread pool is not usable anymore";

    private static readonly TimeSpan Bound = Probe.Bound;

    private readonly List<ThreadPoolExecutor> executors = [];
    private readonly List<ActorSystem> systems = [];

    public void Dispose()
    {
        var stuck = 0;
        try
        {
            foreach (var executor in executors)
            {
                executor.Shutdown(wait: false, cancelFutures: true);
                if (!executor.ShutdownAsync().Wait(Bound))
                {
                    stuck++;
                }
            }
        }
        finally
        {
            foreach (var system in systems)
            {
                system.Dispose();
            }
        }

        if (stuck > 0)
        {
            throw new TimeoutException($"{stuck} executor(s) did not shut down within {Bound}.");
        }
    }

    /// <summary>A thread pool in its own strict actor system; both are shut down after the test.</summary>
    private ThreadPoolExecutor Start(int? maxWorkers = null, string threadNamePrefix = "", Action? initializer = null)
    {
        var system = TestSystems.Create();
        systems.Add(system);
        return Track(new ThreadPoolExecutor(maxWorkers, threadNamePrefix, initializer, system));
    }

    private ThreadPoolExecutor Track(ThreadPoolExecutor executor)
    {
        executors.Add(executor);
        return executor;
    }

    /// <summary>Runs MaxWorkers calls that all wait for each other, so each one reports a different worker thread.</summary>
    private static Thread[] EveryWorkerThread(Executor executor)
    {
        using var barrier = new Barrier(executor.MaxWorkers);
        var futures = Enumerable.Range(0, executor.MaxWorkers).Select(_ => executor.Submit(() =>
        {
            if (!barrier.SignalAndWait(Bound))
            {
                throw new TimeoutException($"{executor.MaxWorkers} calls never ran at the same time.");
            }

            return Thread.CurrentThread;
        })).ToArray();
        return [.. futures.Select(f => f.Result(Bound))];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a call with a timeout runs on a call thread, started when first needed
    public void Threads_KeepNothingOfTheCodeThatMadeThePool(bool stoppable)
    {
        var executor = InsideARequest.Make(() => Track(new ThreadPoolExecutor(2))); // in an actor system of its own, made there too

        var options = stoppable ? new CallOptions { Timeout = Bound } : null;
        using var barrier = new Barrier(executor.MaxWorkers);
        var seen = Enumerable.Range(0, executor.MaxWorkers).Select(_ => executor.Submit(() =>
        {
            var here = InsideARequest.Seen();
            return barrier.SignalAndWait(Bound) ? here : throw new TimeoutException("The calls never ran at the same time.");
        }, options)).ToList();

        // A thread inherits the execution context of the code that starts it; a pool's threads must not keep a request's.
        Assert.All(seen, future => Assert.Equal((null, null), future.Result(Bound)));
    }

    [GeneratedRegex(@"^ThreadPoolExecutor-(\d+)_(\d+)$")]
    private static partial Regex DefaultThreadName();

    [Fact]
    public void ThreadNames_WithPrefix_ArePrefixUnderscoreIndex() // test_thread_names_assigned
    {
        var executor = Start(5, "SpecialPool");

        var names = EveryWorkerThread(executor).Select(t => t.Name).Order(StringComparer.Ordinal);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"SpecialPool_{i}"), names);
    }

    [Fact]
    public void ThreadNames_WithoutPrefix_AreThreadPoolExecutorCounterUnderscoreIndex() // test_thread_names_default
    {
        var first = Start(5);
        var second = Start(2);

        var firstNames = EveryWorkerThread(first).Select(t => DefaultThreadName().Match(t.Name ?? "")).ToArray();
        var secondNames = EveryWorkerThread(second).Select(t => DefaultThreadName().Match(t.Name ?? "")).ToArray();

        Assert.All(firstNames.Concat(secondNames), m => Assert.True(m.Success, $"unexpected thread name '{m.Value}'"));
        Assert.Equal(["0", "1", "2", "3", "4"], firstNames.Select(m => m.Groups[2].Value).Order(StringComparer.Ordinal));
        Assert.Single(firstNames.Select(m => m.Groups[1].Value).Distinct());
        Assert.Single(secondNames.Select(m => m.Groups[1].Value).Distinct());
        Assert.NotEqual(firstNames[0].Groups[1].Value, secondNames[0].Groups[1].Value);
    }

    [Fact]
    public void Submit_Saturated_UsesExactlyMaxWorkersThreads() // test_saturation
    {
        var executor = Start(4);
        using var semaphore = new SemaphoreSlim(0);
        var threads = new ConcurrentDictionary<int, bool>();
        int started = 0, running = 0, mostRunning = 0;
        var futures = Enumerable.Range(0, 15 * executor.MaxWorkers).Select(_ => executor.Submit(() =>
        {
            threads[Environment.CurrentManagedThreadId] = true;
            Interlocked.Increment(ref started);
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostRunning, now);
            try
            {
                return semaphore.Wait(Bound);
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        })).ToArray();

        try
        {
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref started) >= 4, Bound), "4 calls never ran at once");
        }
        finally
        {
            semaphore.Release(futures.Length);
        }

        Assert.All(futures, f => Assert.True(f.Result(Bound)));
        Assert.Equal(4, threads.Count);
        Assert.Equal(4, Volatile.Read(ref mostRunning));
    }

    private static void InterlockedMax(ref int location, int value)
    {
        var current = Volatile.Read(ref location);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    [Fact]
    public void MaxWorkers_Default_IsMinOf32AndProcessorCountPlus4() // test_default_workers
    {
        var executor = Start();

        Assert.Equal(Math.Min(32, Environment.ProcessorCount + 4), executor.MaxWorkers);
        Assert.Equal(executor.MaxWorkers, EveryWorkerThread(executor).Distinct().Count());
    }

    [Fact]
    public void Submit_AnyCall_NeverRunsOnTheCallersThread()
    {
        var executor = Start(2, "NotTheCaller");
        var caller = Environment.CurrentManagedThreadId;

        var seen = Enumerable.Range(0, 20)
            .Select(_ => executor.Submit(() => (Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread)))
            .Select(f => f.Result(Bound))
            .Concat(executor.Map(_ => (Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread), Enumerable.Range(0, 20)))
            .ToArray();

        Assert.All(seen, s =>
        {
            Assert.NotEqual(caller, s.CurrentManagedThreadId);
            Assert.Matches("^NotTheCaller_[01]$", s.Name);
            Assert.False(s.IsThreadPoolThread);
        });
    }

    [Fact]
    public void Constructor_Initializer_RunsOnceOnEachWorkerThreadBeforeItsFirstCall() // test_init InitializerMixin (per thread)
    {
        var initialized = new ConcurrentDictionary<Thread, int>();
        var executor = Start(3, "Initialized", () => initialized.AddOrUpdate(Thread.CurrentThread, 1, static (_, n) => n + 1));

        using var barrier = new Barrier(executor.MaxWorkers);
        var futures = Enumerable.Range(0, executor.MaxWorkers).Select(_ => executor.Submit(() =>
        {
            var runsBeforeThisCall = initialized.GetValueOrDefault(Thread.CurrentThread);
            barrier.SignalAndWait(Bound);
            return (Thread.CurrentThread, runsBeforeThisCall);
        })).ToArray();
        var calls = futures.Select(f => f.Result(Bound)).ToArray();

        Assert.Equal(3, calls.Select(c => c.CurrentThread).Distinct().Count());
        Assert.All(calls, c => Assert.Equal(1, c.runsBeforeThisCall));
        Assert.Equal(["Initialized_0", "Initialized_1", "Initialized_2"], initialized.Keys.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(initialized.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public void Constructor_InitializerFails_BrokenThreadPoolExceptionWithPythonsMessage() // test_init FailingInitializerMixin (P49/P50)
    {
        var executor = Start(2, initializer: static () => throw new InvalidOperationException("error in initializer"));

        Exception? first;
        try
        {
            first = executor.Submit(static () => 0).Exception(Bound);
        }
        catch (BrokenThreadPoolException alreadyBroken)
        {
            first = alreadyBroken;
        }

        Assert.Equal(BrokenMessage, Assert.IsType<BrokenThreadPoolException>(first).Message);

        var deadline = DateTime.UtcNow + Bound;
        BrokenThreadPoolException? fromSubmit = null;
        while (fromSubmit is null && DateTime.UtcNow < deadline)
        {
            try
            {
                Assert.IsType<BrokenThreadPoolException>(executor.Submit(static () => 0).Exception(Bound));
                Thread.Sleep(10);
            }
            catch (BrokenThreadPoolException error)
            {
                fromSubmit = error;
            }
        }

        Assert.NotNull(fromSubmit);
        Assert.Equal(BrokenMessage, fromSubmit.Message);
    }

    [Fact]
    public void Submit_OneWorker_StartsCallsInSubmissionOrder() // P39
    {
        var executor = Start(1);
        using var gate = new ManualResetEventSlim(false);
        var order = new ConcurrentQueue<int>();
        Future<bool>[] futures;
        try
        {
            futures = [.. Enumerable.Range(0, 10).Select(i => executor.Submit(() =>
            {
                order.Enqueue(i);
                return i != 0 || gate.Wait(Bound); // the first call holds the worker until all are queued
            }))];
        }
        finally
        {
            gate.Set();
        }

        Assert.All(futures, f => Assert.True(f.Result(Bound)));
        Assert.Equal(Enumerable.Range(0, 10), order);
    }

    [Fact]
    public void Cancel_QueuedCallWhileTheOnlyWorkerIsBusy_CancelsItAndItNeverRuns() // P40/P41
    {
        var executor = Start(1);
        using var started = new ManualResetEventSlim(false);
        using var gate = new ManualResetEventSlim(false);
        var queuedRan = false;
        try
        {
            var running = executor.Submit(() =>
            {
                started.Set();
                return gate.Wait(Bound);
            });
            Assert.True(started.Wait(Bound));
            var queued = executor.Submit(() => queuedRan = true);

            Assert.True(running.IsRunning);
            Assert.False(running.Cancel());
            Assert.False(queued.IsRunning);
            Assert.True(queued.Cancel());
            Assert.True(queued.IsCanceled);
            Assert.Throws<OperationCanceledException>(() => queued.Result(TimeSpan.Zero));

            gate.Set();
            Assert.True(running.Result(Bound));
            executor.Shutdown(wait: true);
            Assert.False(queuedRan);
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public void Submit_CallThrows_FutureHoldsTheVeryExceptionObject() // P12
    {
        var executor = Start(1);
        var thrown = new InvalidOperationException("boom");

        var failing = executor.Submit(int () => throw thrown);

        Assert.Same(thrown, failing.Exception(Bound));
        Assert.Same(thrown, Assert.Throws<InvalidOperationException>(() => failing.Result(Bound)));
    }

    [Fact]
    public void Submit_CallThrows_TheWorkerKeepsServing() // P47/P48
    {
        var executor = Start(1);

        var failed = executor.Submit(static int () => throw new InvalidOperationException("first"));
        var next = executor.Submit(static () => 7);

        Assert.IsType<InvalidOperationException>(failed.Exception(Bound));
        Assert.Equal(7, next.Result(Bound));
    }
}
