using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using ActorPool.Launching;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace ActorPool.Threads;

/// <summary>
/// Akka's scheduler for the actor systems a process pool makes (its parent's own and each worker's; hocon/reference.conf,
/// <c>akka.scheduler.implementation</c>): each scheduled item is a .NET timer, so nothing runs while nothing is due.
/// Akka's <see cref="HashedWheelTimerScheduler"/> ticks every 10 ms for as long as its system lives, and each tick wakes
/// a thread-pool thread that then spins before it sleeps, so an idle pool's parent and workers kept using CPU (measured
/// in docs/performance.md, "Idle cost"). Timers here also fire to the millisecond rather than at the next tick. Systems
/// users pass in keep the scheduler they configured.
/// </summary>
internal sealed class TimerScheduler : SchedulerBase, IDateTimeOffsetNowTimeProvider, IDisposable
{
    // Akka reads deadlines from its own monotonic clock (internal) as well as from a scheduler's; both must agree.
    private static readonly Func<TimeSpan> AkkaElapsed = AkkaClock("Elapsed");
    private static readonly Func<TimeSpan> AkkaElapsedHighRes = AkkaClock("ElapsedHighRes");

    // What is scheduled and not yet fired or stopped: a .NET timer no one references may be collected before it fires.
    private readonly ConcurrentDictionary<Entry, byte> pending = new();
    private volatile bool disposed;

    public TimerScheduler(Config config, ILoggingAdapter log)
        : base(config, log)
    {
    }

    public override TimeSpan MonotonicClock => AkkaElapsed();

    public override TimeSpan HighResMonotonicClock => AkkaElapsedHighRes();

    protected override DateTimeOffset TimeNow => DateTimeOffset.Now;

    /// <summary>
    /// Shuts down, as Akka's own scheduler does when its system terminates (after every actor stopped): scheduling
    /// afterwards throws; what is scheduled once and not canceled runs now (a dispatcher's shutdown among them); what
    /// repeats stops.
    /// </summary>
    public void Dispose()
    {
        disposed = true;
        foreach (var entry in pending.Keys)
        {
            entry.RunNowIfOnce();
        }
    }

    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Schedule(delay, null, new Tell(receiver, message, sender), cancelable);

    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Schedule(initialDelay, interval, new Tell(receiver, message, sender), cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        Schedule(delay, null, new ActionRunnable(action), cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        Schedule(delay, null, action, cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Schedule(initialDelay, interval, new ActionRunnable(action), cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Schedule(initialDelay, interval, action, cancelable);

    private void Schedule(TimeSpan delay, TimeSpan? interval, IRunnable work, ICancelable? cancelable)
    {
        if (disposed)
        {
            throw new SchedulerException("cannot enqueue after timer shutdown");
        }

        if (cancelable?.IsCancellationRequested == true)
        {
            return;
        }

        var entry = new Entry(this, work, interval, cancelable);
        pending[entry] = 0;
        try
        {
            // A timer keeps the execution context it was made in until it is gone: not the code that happened to schedule.
            WithoutCallerContext.Make(static start =>
            {
                start.entry.Start(start.delay);
                return true;
            }, (entry, delay));
        }
        catch
        {
            entry.Stop();
            throw;
        }

        if (disposed)
        {
            entry.RunNowIfOnce(); // shut down while it was being added: Dispose may have missed it
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Logging a failure must not take the timer thread down.")]
    private void Failed(Exception e)
    {
        try
        {
            Log.Error(e, "A scheduled action failed.");
        }
        catch (Exception)
        {
            // The logger itself failed (its system shutting down): nothing more to do.
        }
    }

    /// <summary>
    /// A span as a .NET timer's milliseconds: rounded up (a timer never fires early on its account), at most what a timer
    /// takes (about 49.7 days; a longer wait is re-armed for the rest).
    /// </summary>
    private static long Milliseconds(TimeSpan span, long least) =>
        Math.Clamp((long)Math.Ceiling(span.TotalMilliseconds), least, MaxMilliseconds);

    private const long MaxMilliseconds = 0xFFFFFFFE;

    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = TrimmingNotSupported.Justification)]
    private static Func<TimeSpan> AkkaClock(string property)
    {
        var getter = Type.GetType("Akka.Util.MonotonicClock, Akka", throwOnError: false)
            ?.GetProperty(property, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)?.GetMethod;
        if (getter?.ReturnType == typeof(TimeSpan))
        {
            return getter.CreateDelegate<Func<TimeSpan>>();
        }

        // Another Akka than the one this was written against: a clock of our own, consistent with itself.
        var start = System.Diagnostics.Stopwatch.StartNew();
        return () => start.Elapsed;
    }

    /// <summary>One scheduled item: its timer, and the registration that stops it when its cancelable is canceled.</summary>
    private sealed class Entry(TimerScheduler owner, IRunnable work, TimeSpan? interval, ICancelable? cancelable) : IDisposable
    {
        private Timer? timer;
        private CancellationTokenRegistration registration;
        private int stopped;
        private long dueAt; // Environment.TickCount64 at which a single run is due (a long wait fires early to be re-armed)

        public void Start(TimeSpan delay)
        {
            var due = Milliseconds(delay, 0);
            dueAt = Environment.TickCount64 + (long)Math.Min(Math.Ceiling(delay.TotalMilliseconds), long.MaxValue / 4);
            // Full fences on both sides (here and in Stop): whichever runs second sees what the other wrote.
            Interlocked.Exchange(ref timer, new Timer(static state => ((Entry)state!).Fire(), this, Timeout.Infinite, Timeout.Infinite));
            if (cancelable is not null)
            {
                var registered = cancelable.Token.UnsafeRegister(static state => ((Entry)state!).Stop(), this);
                registration = registered;
                if (Volatile.Read(ref stopped) != 0)
                {
                    registered.Dispose();
                }
            }

            try
            {
                timer!.Change(due, interval is { } every ? Milliseconds(every, 1) : Timeout.Infinite);
            }
            catch (ObjectDisposedException)
            {
                // Stopped meanwhile (canceled, or the scheduler shut down): it never fires.
            }
        }

        public void Dispose() => Stop();

        public void Stop() => TryStop();

        /// <summary>At shutdown: stops it, and runs it now if it was to run once and was not canceled.</summary>
        public void RunNowIfOnce()
        {
            if (TryStop() && interval is null && cancelable?.IsCancellationRequested != true)
            {
                Run();
            }
        }

        /// <summary>Stops it: true for the caller that did, false if it was stopped already.</summary>
        private bool TryStop()
        {
            if (Interlocked.Exchange(ref stopped, 1) != 0)
            {
                return false;
            }

            owner.pending.TryRemove(this, out _);
            Volatile.Read(ref timer)?.Dispose();
            registration.Dispose();
            return true;
        }

        private void Fire()
        {
            if (Volatile.Read(ref stopped) != 0 || cancelable?.IsCancellationRequested == true)
            {
                Stop();
                Volatile.Read(ref timer)?.Dispose(); // even if it started after a Stop that found no timer yet
                return;
            }

            if (interval is null)
            {
                var left = dueAt - Environment.TickCount64;
                if (left > 1000)
                {
                    try
                    {
                        timer!.Change(Math.Min(left, MaxMilliseconds), Timeout.Infinite); // the rest of a wait longer than a timer takes
                    }
                    catch (ObjectDisposedException)
                    {
                        // Stopped meanwhile.
                    }

                    return;
                }

                Stop();
            }

            if (!Run() && interval is not null)
            {
                Stop(); // a repeated action that failed is not run again, as with Akka's scheduler
            }
        }

        [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "A failing action is logged, as Akka's scheduler does.")]
        private bool Run()
        {
            try
            {
                work.Run();
                return true;
            }
            catch (Exception e)
            {
                owner.Failed(e);
                return false;
            }
        }
    }

    private sealed class Tell(ICanTell receiver, object message, IActorRef sender) : IRunnable
    {
        public void Run() => receiver.Tell(message, sender);

        public void Execute() => Run();
    }
}
