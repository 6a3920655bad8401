using ActorPool.Tests.Support;
using System.Runtime.CompilerServices;
using ActorPool.Calls;
using ActorPool.Routing;
using Akka.Actor;

namespace ActorPool.Tests.Routing;

/// <summary>The router actor on its own, with workers that forward each call to a probe, so the test decides when a call ends.</summary>
public sealed class PoolRouterTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    public PoolRouterTests()
        : base(TestSystems.Strict)
    {
    }

    [Fact]
    public void Router_QueuedCalls_HandedToWorkerInSubmissionOrder()
    {
        var probe = CreateTestProbe();
        var router = StartRouter(ProbeWorker.Props(probe), workers: 1);
        var items = Enumerable.Range(0, 3).Select(i => new Call<int>(() => i)).ToArray();
        foreach (var item in items)
        {
            router.Tell(item);
        }

        foreach (var expected in items)
        {
            var handed = probe.ExpectMsg<WorkItem>(Generous);
            var worker = probe.LastSender;
            Assert.Same(expected, handed);
            Assert.False(handed.Future.IsRunning); // pending until its worker starts it
            Assert.Equal(HandOver.Accepted, handed.TryStart(worker));
            Assert.True(handed.Future.IsRunning);
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // one call at a time: the next waits for WorkerIdle
            handed.Run();
            router.Tell(new WorkerIdle(handed), worker);
        }

        Assert.Equal([0, 1, 2], items.Select(i => i.TypedFuture.Result(Generous)));
    }

    [Fact]
    public void Router_CallCanceledWhileQueued_IsSkippedAndItsWaitersNotified()
    {
        var probe = CreateTestProbe();
        var router = StartRouter(ProbeWorker.Props(probe), workers: 1);
        var running = new Call<int>(() => 1);
        var canceled = new Call<int>(() => 2);
        var next = new Call<int>(() => 3);
        router.Tell(running);
        probe.ExpectMsg<WorkItem>(Generous);
        router.Tell(canceled);
        router.Tell(next);

        Assert.True(canceled.Future.Cancel());
        Assert.Empty(Future.Wait([canceled.Future], TimeSpan.Zero).Done); // canceled, not yet seen by the router

        running.Run();
        router.Tell(new WorkerIdle(running), probe.LastSender);
        Assert.Same(next, probe.ExpectMsg<WorkItem>(Generous));
        Assert.Single(Future.Wait([canceled.Future], Generous).Done);
    }

    [Fact]
    public void Router_ShutdownWithCancel_CancelsQueuedFinishesRunningThenStops()
    {
        var probe = CreateTestProbe();
        var router = StartRouter(ProbeWorker.Props(probe), workers: 1);
        Watch(router);
        var running = new Call<int>(() => 1);
        var queued = new Call<int>(() => 2);
        router.Tell(running);
        probe.ExpectMsg<WorkItem>(Generous);
        Assert.Equal(HandOver.Accepted, running.TryStart(probe.LastSender));
        router.Tell(queued);

        router.Tell(new ShutdownPool(CancelFutures: true));
        Assert.Single(Future.Wait([queued.Future], Generous).Done);
        Assert.True(queued.Future.IsCanceled);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // still running a call: no Terminated yet

        running.Run();
        router.Tell(new WorkerIdle(running), probe.LastSender);
        ExpectTerminated(router, Generous);
        Assert.Equal(1, running.TypedFuture.Result(TimeSpan.Zero));
    }

    [Fact]
    public void Router_Shutdown_RunsQueuedCallsBeforeStopping()
    {
        var probe = CreateTestProbe();
        var router = StartRouter(ProbeWorker.Props(probe), workers: 1);
        Watch(router);
        var calls = new[] { new Call<int>(() => 1), new Call<int>(() => 2) };
        router.Tell(calls[0]);
        router.Tell(calls[1]);
        router.Tell(new ShutdownPool(CancelFutures: false));

        for (var i = 0; i < calls.Length; i++)
        {
            var item = probe.ExpectMsg<WorkItem>(Generous);
            item.Run();
            router.Tell(new WorkerIdle(item), probe.LastSender);
        }

        ExpectTerminated(router, Generous);
        Assert.Equal([1, 2], calls.Select(c => c.TypedFuture.Result(TimeSpan.Zero)));
    }

    [Fact]
    public void Router_WorkerThrowsFromOurCode_FailsThatCallRestartsWorkerAndGoesOn()
    {
        var router = StartRouter(Props.Create(() => new CrashOnFirstCallWorker()), workers: 1);
        var first = new Call<int>(() => 1);
        var second = new Call<int>(() => 2);
        router.Tell(first);
        router.Tell(second);

        var error = Assert.IsAssignableFrom<BrokenExecutorException>(first.Future.Exception(Generous));
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal(CrashOnFirstCallWorker.Message, error.InnerException!.Message);
        Assert.Equal(2, second.TypedFuture.Result(Generous));
    }

    [Fact]
    public void Router_WorkerStops_FailsWhatItHeldAndStartsAReplacement()
    {
        var incarnations = new StrongBox<int>();
        var spec = new TestSpec(Props.Create(() => new StopOnFirstCallWorker(incarnations)), workers: 1);
        var router = Sys.ActorOf(PoolRouter.Props(spec, new PoolState()));
        var first = new Call<int>(() => 1);
        var second = new Call<int>(() => 2);
        router.Tell(first);
        router.Tell(second);

        Assert.IsAssignableFrom<BrokenExecutorException>(first.Future.Exception(Generous));
        Assert.Equal(2, second.TypedFuture.Result(Generous));
        Assert.Equal(2, spec.WorkersMade);
    }

    [Fact]
    public void Router_InitializerFailed_FailsQueuedCallsAndLaterOnesAsBroken()
    {
        var probe = CreateTestProbe();
        var pool = new PoolState();
        var router = Sys.ActorOf(PoolRouter.Props(new TestSpec(ProbeWorker.Props(probe), workers: 1), pool));
        var running = new Call<int>(() => 1);
        var queued = new Call<int>(() => 2);
        router.Tell(running);
        probe.ExpectMsg<WorkItem>(Generous);
        Assert.Equal(HandOver.Accepted, running.TryStart(probe.LastSender)); // started, as a healthy worker would
        router.Tell(queued);

        var cause = new InvalidOperationException("init failed");
        router.Tell(new InitializerFailed(cause));
        Assert.Same(cause, Assert.IsType<BrokenThreadPoolException>(queued.Future.Exception(Generous)).InnerException);
        Assert.True(pool.IsBroken);

        var late = new Call<int>(() => 3);
        router.Tell(late);
        Assert.IsType<BrokenThreadPoolException>(late.Future.Exception(Generous));

        running.Run(); // a call a healthy worker already held is not affected, as in CPython
        Assert.Equal(1, running.TypedFuture.Result(Generous));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // its actor system going down (say, CoordinatedShutdown's phase timing out) before it drained
    public async Task Router_StoppedFromOutside_FailsEverythingItHeld(bool duringShutdown)
    {
        var probe = CreateTestProbe();
        var pool = new PoolState();
        var router = Sys.ActorOf(PoolRouter.Props(new TestSpec(ProbeWorker.Props(probe), workers: 1), pool));
        var held = new Call<int>(() => 1);
        var queued = new Call<int>(() => 2);
        router.Tell(held);
        probe.ExpectMsg<WorkItem>(Generous);
        router.Tell(queued);
        if (duringShutdown)
        {
            router.Tell(new ShutdownPool(CancelFutures: false));
            await router.Ask<ActorIdentity>(new Identify(null), Generous);
        }

        Sys.Stop(router);
        Assert.IsAssignableFrom<BrokenExecutorException>(held.Future.Exception(Generous));
        Assert.IsAssignableFrom<BrokenExecutorException>(queued.Future.Exception(Generous));
        await pool.Stopped.Task.WaitAsync(Generous);
    }

    [Fact]
    public async Task Router_PostedCalls_WakeTheRouterOnlyWhileItWaitsForCalls()
    {
        var probe = CreateTestProbe();
        var pool = new PoolState();
        var router = Sys.ActorOf(PoolRouter.Props(new TestSpec(ProbeWorker.Props(probe), workers: 1), pool));
        var first = new Call<int>(() => 1);
        var second = new Call<int>(() => 2);
        var third = new Call<int>(() => 3);

        Assert.True(pool.Calls.Post(first)); // a new router waits for calls
        router.Tell(CallsPosted.Instance);
        Assert.Same(first, probe.ExpectMsg<WorkItem>(Generous));
        var worker = probe.LastSender;
        Assert.False(pool.Calls.Post(second)); // its only worker is busy: the call waits in the inbox, no message needed
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        first.Run();
        router.Tell(new WorkerIdle(first), worker);
        Assert.Same(second, probe.ExpectMsg<WorkItem>(Generous)); // the freed worker takes it from the inbox
        second.Run();
        router.Tell(new WorkerIdle(second), worker);
        await router.Ask<ActorIdentity>(new Identify(null), Generous); // answered after the router took WorkerIdle
        Assert.True(pool.Calls.Post(third)); // it found the inbox empty with its worker free, so it waits for calls again
        router.Tell(CallsPosted.Instance);
        Assert.Same(third, probe.ExpectMsg<WorkItem>(Generous));
    }

    [Fact]
    public void Router_CallsQueuedForAnIdleWorkerThatTakesBatches_GoInOneMessageStillPending()
    {
        var probe = CreateTestProbe();
        var pool = new PoolState();
        var router = Sys.ActorOf(PoolRouter.Props(new TestSpec(ProbeWorker.Props(probe), workers: 1, prefetch: 3, batches: true), pool));
        var calls = Enumerable.Range(0, 6).Select(i => new Call<int>(() => i)).ToArray();
        router.Tell(calls[0]);
        Assert.Same(calls[0], probe.ExpectMsg<WorkItem>(Generous)); // a lone call travels as itself
        var worker = probe.LastSender;
        foreach (var call in calls[1..])
        {
            pool.Calls.Post(call); // the worker is busy: they wait in the inbox
        }

        calls[0].Run();
        router.Tell(new WorkerIdle(calls[0]), worker);
        var batch = probe.ExpectMsg<WorkBatch>(Generous);
        Assert.Equal(calls[1..5], batch.Items); // 1 + prefetch at most, in submission order
        Assert.All(batch.Items, item => Assert.True(item!.IsSentAhead && !item.Future.IsRunning));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // one batch at a time

        Assert.True(calls[2].Future.Cancel()); // still cancelable: its worker has not started it
        foreach (var item in batch.Items)
        {
            if (item!.TryStart(worker) == HandOver.Accepted)
            {
                item.Run();
            }
        }

        router.Tell(new BatchDone(batch), worker);
        Assert.Same(calls[5], probe.ExpectMsg<WorkItem>(Generous));
        Assert.Equal([1, 3, 4], new[] { calls[1], calls[3], calls[4] }.Select(c => c.TypedFuture.Result(Generous)));
    }

    [Fact]
    public async Task Router_WorkerThrowsFromOurCodeMidBatch_FailsTheCallItRanAndRunsTheRestAfterTheRestart()
    {
        var pool = new PoolState();
        var router = Sys.ActorOf(PoolRouter.Props(new TestSpec(Props.Create(() => new CrashMidBatchWorker()), workers: 1, prefetch: 3, batches: true), pool));
        using var started = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        var first = new Call<int>(() =>
        {
            started.Set();
            return gate.Wait(Generous) ? 1 : -1;
        });
        router.Tell(first);
        Assert.True(started.Wait(Generous));
        var batch = Enumerable.Range(2, 3).Select(i => new Call<int>(() => i)).ToArray();
        foreach (var call in batch)
        {
            pool.Calls.Post(call); // queued behind the first call, so they reach the worker in one batch
        }

        gate.Set();
        Assert.Equal(1, first.TypedFuture.Result(Generous));
        Assert.Equal(2, batch[0].TypedFuture.Result(Generous)); // finished before the crash: keeps its result
        var error = Assert.IsAssignableFrom<BrokenExecutorException>(batch[1].Future.Exception(Generous));
        Assert.Equal(CrashMidBatchWorker.Message, error.InnerException!.Message);
        Assert.Equal(4, batch[2].TypedFuture.Result(Generous)); // never started: runs after the restart
        await router.Ask<ActorIdentity>(new Identify(null), Generous);
        router.Tell(new ShutdownPool(CancelFutures: false));
        Watch(router);
        ExpectTerminated(router, Generous); // nothing left counted as held
    }

    [Fact]
    public async Task Router_ClusterWorkerLostAfterTheOthersWentIdle_CallItGaveBackRunsOnAnIdleOne()
    {
        // A cluster pool (workers not replaced, sent ahead under a claim its proxy grants): one worker holds a call it was
        // granted and one it holds unclaimed; the other worker finishes its call and goes idle while the first one's node
        // is being lost (its proxy has given the unclaimed call back, so there is nothing to take back from it). The
        // router learns of the loss only then: the call given back must go to the idle worker, with nothing else to come.
        var probe = CreateTestProbe();
        var spec = new TestSpec(ProbeWorker.Props(probe), workers: 2, prefetch: 1, replacesLostWorkers: false);
        var router = Sys.ActorOf(PoolRouter.Props(spec, new PoolState()));
        var calls = Enumerable.Range(1, 3).Select(i => new Call<int>(() => i)).ToArray();
        foreach (var call in calls)
        {
            router.Tell(call);
        }

        var sent = Enumerable.Range(0, 3).Select(_ => (Item: probe.ExpectMsg<WorkItem>(Generous), Worker: probe.LastSender)).ToList();
        var lostWorker = sent.GroupBy(s => s.Worker).Single(g => g.Count() == 2).Key;
        var lost = sent.Where(s => s.Worker.Equals(lostWorker)).Select(s => s.Item).ToArray();
        var (survivorsCall, survivor) = sent.Single(s => !s.Worker.Equals(lostWorker));

        // The lost worker's proxy: holds both, the first granted (running on its node), the second unclaimed.
        var claims = lost.Select(_ => new TestClaim()).ToArray();
        Assert.Equal(HandOver.Accepted, lost[0].TryHold(lostWorker, claims[0]));
        Assert.Equal(HandOver.Accepted, lost[1].TryHold(lostWorker, claims[1]));
        Assert.Equal(HandOver.Accepted, lost[0].TryGrant(claims[0]));
        Assert.Equal(HandOver.Accepted, survivorsCall.TryStart(survivor));

        // Its node is lost: it fails the granted call and gives back the one it held unclaimed, then stops.
        lost[0].Fail(new BrokenExecutorException("its node was lost"));
        Assert.True(lost[1].TryGiveBack(lostWorker));

        // Meanwhile the other worker finishes, before the router sees the loss: nothing to take back, it stays idle.
        survivorsCall.Run();
        router.Tell(new WorkerIdle(survivorsCall), survivor);
        await router.Ask<ActorIdentity>(new Identify(null), Generous);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        lostWorker.Tell(PoisonPill.Instance);

        // The call given back runs on the idle worker.
        Assert.Same(lost[1], probe.ExpectMsg<WorkItem>(Generous));
        Assert.Equal(survivor, probe.LastSender);
        Assert.Equal(HandOver.Accepted, lost[1].TryStart(survivor));
        lost[1].Run();
        router.Tell(new WorkerIdle(lost[1]), survivor);
        Assert.IsType<BrokenExecutorException>(lost[0].Future.Exception(Generous));
        foreach (var ran in new[] { survivorsCall, lost[1] })
        {
            Assert.Equal(Array.IndexOf(calls, ran) + 1, ((Call<int>)ran).TypedFuture.Result(Generous));
        }
    }

    [Fact]
    public void Router_WorkerLeavesItsCallUnstartedWhileTheOtherWasBusy_TheOtherTakesItOnceIdle()
    {
        // A process pool (workers that can stall): the call is sent to an idle worker while the other is busy, so no
        // stalled-call check is due yet; the sent-to worker never starts it (frozen). When the busy one goes idle, less
        // than the stall limit after the send, it must still get the call once the limit passes, not only on DeathWatch.
        var probe = CreateTestProbe();
        var spec = new TestSpec(ProbeWorker.Props(probe), workers: 2, mode: HandOverMode.ClaimedWatchedForStalls);
        var router = Sys.ActorOf(PoolRouter.Props(spec, new PoolState()));
        var first = new Call<int>(() => 1);
        var busy = new Call<int>(() => 2);
        router.Tell(first);
        Assert.Same(first, probe.ExpectMsg<WorkItem>(Generous));
        var frozenWorker = probe.LastSender;
        router.Tell(busy);
        Assert.Same(busy, probe.ExpectMsg<WorkItem>(Generous));
        var busyWorker = probe.LastSender;
        Assert.NotEqual(frozenWorker, busyWorker);
        Assert.Equal(HandOver.Accepted, busy.TryStart(busyWorker));
        Assert.Equal(HandOver.Accepted, first.TryStart(frozenWorker));
        // The check armed when the first call went out finds both calls started and no worker idle, and is not armed again.
        Thread.Sleep(DispatchPolicy.StalledAfter * 2);
        first.Run();
        router.Tell(new WorkerIdle(first), frozenWorker);

        var left = new Call<int>(() => 3);
        router.Tell(left);
        Assert.Same(left, probe.ExpectMsg<WorkItem>(Generous));
        Assert.Equal(frozenWorker, probe.LastSender); // the idle one; it now freezes and never starts it

        busy.Run();
        router.Tell(new WorkerIdle(busy), busyWorker); // idle well before the stall limit

        Assert.Same(left, probe.ExpectMsg<WorkItem>(Generous)); // after the limit, without another event to wake the router
        Assert.Equal(busyWorker, probe.LastSender);
        Assert.Equal(HandOver.Accepted, left.TryStart(busyWorker));
        left.Run();
        Assert.Equal(3, left.TypedFuture.Result(Generous));
    }

    private sealed class TestClaim : LockedClaim
    {
    }

    private IActorRef StartRouter(Props workerProps, int workers) =>
        Sys.ActorOf(PoolRouter.Props(new TestSpec(workerProps, workers), new PoolState()));

    private sealed class TestSpec(Props workerProps, int workers, int prefetch = 0, bool batches = false, bool replacesLostWorkers = true, HandOverMode? mode = null)
        : WorkerPoolSpec
    {
        private int made;

        public override bool ReplacesLostWorkers => replacesLostWorkers;

        public int WorkersMade => made;

        public override int WorkerCount => workers;

        public override int Prefetch => prefetch;

        public override HandOverMode HandOverMode => mode ?? (batches ? HandOverMode.ClaimedInBatches : HandOverMode.ClaimedOnRequest);

        public override Props WorkerProps(int index)
        {
            Interlocked.Increment(ref made);
            return workerProps;
        }

        protected override string InitializerFailedMessage => "broken";

        protected override Exception BrokenError(string message, Exception? cause) => new BrokenThreadPoolException(message, cause);

        public override Exception WorkerLost(IActorRef worker, Exception? cause) => new BrokenExecutorException($"lost {worker.Path.Name}", cause);
    }

    /// <summary>Hands each call to a probe, as sender, so the test plays the worker.</summary>
    private sealed class ProbeWorker : ReceiveActor
    {
        public ProbeWorker(IActorRef probe) => ReceiveAny(message => probe.Tell(message, Self));

        public static Props Props(IActorRef probe) => Akka.Actor.Props.Create(() => new ProbeWorker(probe));
    }

    /// <summary>Throws (as a bug of ours would) on the first call of its first incarnation, then behaves.</summary>
    private sealed class CrashOnFirstCallWorker : UntypedActor
    {
        public const string Message = "a bug in the worker";
        private bool restarted;

        protected override void PostRestart(Exception reason) => restarted = true;

        protected override void OnReceive(object message)
        {
            if (!restarted)
            {
                throw new InvalidOperationException(Message);
            }

            Assert.Equal(HandOver.Accepted, ((WorkItem)message).TryStart(Self));
            ((WorkItem)message).Run();
            Context.Parent.Tell(new WorkerIdle((WorkItem)message));
        }
    }

    /// <summary>Runs batches, except that its first incarnation throws (as a bug of ours would) after starting the second call of a batch of several.</summary>
    private sealed class CrashMidBatchWorker : UntypedActor
    {
        public const string Message = "a bug in the worker, mid-batch";
        private bool restarted;

        protected override void PostRestart(Exception reason) => restarted = true;

        protected override void OnReceive(object message)
        {
            if (message is WorkItem lone)
            {
                Assert.Equal(HandOver.Accepted, lone.TryStart(Self));
                lone.Run();
                Context.Parent.Tell(new WorkerIdle(lone));
                return;
            }

            var batch = (WorkBatch)message;
            for (var i = 0; i < batch.Items.Length; i++)
            {
                var item = batch.Items[i]!;
                Assert.Equal(HandOver.Accepted, item.TryStart(Self));
                if (!restarted && i == 1)
                {
                    throw new InvalidOperationException(Message);
                }

                item.Run();
            }

            Context.Parent.Tell(new BatchDone(batch));
        }
    }

    /// <summary>Starts its first call and stops itself instead of running it.</summary>
    private sealed class StopOnFirstCallWorker(StrongBox<int> incarnations) : UntypedActor
    {
        private readonly bool first = Interlocked.Increment(ref incarnations.Value) == 1;

        protected override void OnReceive(object message)
        {
            Assert.Equal(HandOver.Accepted, ((WorkItem)message).TryStart(Self));
            if (first)
            {
                Context.Stop(Self);
                return;
            }

            ((WorkItem)message).Run();
            Context.Parent.Tell(new WorkerIdle((WorkItem)message));
        }
    }
}
