using ActorPool.Configuration;
using ActorPool.Threads;
using Akka.Actor;
using Akka.Configuration;

namespace ActorPool.Tests.Threads;

/// <summary>
/// <see cref="TimerScheduler"/>, the scheduler of the actor systems a process pool makes: what Akka's own scheduler
/// does for the actors and remoting on top of it (messages and actions once or repeatedly, cancelables, actor timers,
/// shut down with its system), with a .NET timer per item.
/// </summary>
public sealed class TimerSchedulerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(20);

    public TimerSchedulerTests()
        : base(ConfigurationFactory.ParseString("""akka.scheduler.implementation = "ActorPool.Threads.TimerScheduler, ActorPool" """))
    {
    }

    [Fact]
    public void ProcessPoolSystems_UseIt()
    {
        using var system = ActorSystem.Create("scheduler-check", ActorPoolConfig.ProcessParentSystemConfig);

        Assert.IsType<TimerScheduler>(system.Scheduler);
        Assert.IsType<TimerScheduler>(Sys.Scheduler);
    }

    [Fact]
    public void TellOnce_Delivers()
    {
        Sys.Scheduler.ScheduleTellOnce(Short, TestActor, "once", ActorRefs.NoSender);

        ExpectMsg("once");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void TellOnce_CanceledBeforeItIsDue_NeverDelivers()
    {
        var cancelable = new Cancelable(Sys.Scheduler);
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(2), TestActor, "late", ActorRefs.NoSender, cancelable);
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(2.5), TestActor, "marker", ActorRefs.NoSender);

        cancelable.Cancel();

        ExpectMsg("marker", TimeSpan.FromSeconds(10)); // the canceled one, due earlier, did not come first
    }

    [Fact]
    public void TellRepeatedly_DeliversUntilCanceled()
    {
        var cancelable = new Cancelable(Sys.Scheduler);
        Sys.Scheduler.ScheduleTellRepeatedly(Short, Short, TestActor, "tick", ActorRefs.NoSender, cancelable);

        ExpectMsg("tick");
        ExpectMsg("tick");
        ExpectMsg("tick");
        cancelable.Cancel();
        ReceiveWhile(TimeSpan.FromMilliseconds(100), message => message); // any tick already on its way
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Actions_RunOnceAndRepeatedly_AndAFailingOneDoesNotStopTheRest()
    {
        var probe = CreateTestProbe();
        var cancelable = new Cancelable(Sys.Scheduler);
        Sys.Scheduler.Advanced.ScheduleOnce(Short, () => throw new InvalidOperationException("a failing action"));
        Sys.Scheduler.Advanced.ScheduleOnce(Short, () => probe.Ref.Tell("action"));
        Sys.Scheduler.Advanced.ScheduleRepeatedly(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(300), () => probe.Ref.Tell("again"), cancelable);

        probe.ExpectMsg("action");
        probe.ExpectMsg("again");
        probe.ExpectMsg("again");
        cancelable.Cancel();
    }

    [Fact]
    public void AWaitLongerThanATimerTakes_IsAcceptedAndCancelable()
    {
        var cancelable = new Cancelable(Sys.Scheduler);

        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromDays(100), TestActor, "in 100 days", ActorRefs.NoSender, cancelable);
        Sys.Scheduler.ScheduleTellRepeatedly(TimeSpan.FromDays(60), TimeSpan.FromDays(60), TestActor, "every 60 days", ActorRefs.NoSender, cancelable);
        Sys.Scheduler.ScheduleTellOnce(Short, TestActor, "soon", ActorRefs.NoSender);

        ExpectMsg("soon");
        cancelable.Cancel();
    }

    [Fact]
    public void AkkasOwnMonotonicClock_IsTheOneItReads()
    {
        // Akka compares deadlines from its internal clock with a scheduler's; this one reads that clock by reflection.
        var clock = Type.GetType("Akka.Util.MonotonicClock, Akka")?.GetProperty("Elapsed", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static);

        Assert.Equal(typeof(TimeSpan), clock?.PropertyType);
        var before = (TimeSpan)clock!.GetValue(null)!;
        var read = Sys.Scheduler.MonotonicClock;
        var after = (TimeSpan)clock.GetValue(null)!;
        Assert.InRange(read, before, after);
    }

    [Fact]
    public void ActorTimers_Work()
    {
        var actor = Sys.ActorOf(Props.Create(() => new WithTimer(TestActor)));

        actor.Tell("start");

        ExpectMsg("fired");
        ExpectMsg("fired");
    }

    [Fact]
    public async Task AfterItsSystemTerminated_SchedulingThrows()
    {
        var system = ActorSystem.Create("scheduler-shutdown", ActorPoolConfig.ProcessParentSystemConfig);
        var scheduler = system.Scheduler;
        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Throws<SchedulerException>(() => scheduler.ScheduleTellOnce(Short, TestActor, "too late", ActorRefs.NoSender));
    }

    private sealed class WithTimer : ReceiveActor, IWithTimers
    {
        private int fired;

        public WithTimer(IActorRef target)
        {
            Receive<string>(message => message == "start", _ => Timers.StartPeriodicTimer("tick", "tick", TimeSpan.FromMilliseconds(10)));
            Receive<string>(message => message == "tick", _ =>
            {
                target.Tell("fired");
                if (++fired == 2)
                {
                    Timers.Cancel("tick");
                }
            });
        }

        public ITimerScheduler Timers { get; set; } = null!;
    }
}
