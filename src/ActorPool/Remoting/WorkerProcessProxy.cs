using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using ActorPool.Routing;
using Akka.Actor;
using Akka.Event;

namespace ActorPool.Remoting;

/*
 * One worker of a ProcessPoolExecutor, as the router sees it: a local actor that owns a worker process.
 *
 *   PoolRouter ──WorkItem──► WorkerProcessProxy ──CallItem (Akka.Remote, 127.0.0.1)──► ProcessWorker (child process)
 *        ▲                     │ encodes arguments,                                   │ decodes, runs the call,
 *        └────WorkerIdle───────┤ settles the future ◄────────────ResultItem──────────┘ encodes the result
 *
 * The process registers with this actor presenting the pool's secret; anything else is ignored. Its death is
 * seen twice (the OS process's exit event, near-instant, and Akka's DeathWatch); either fails exactly the
 * calls this proxy held, with the pid and exit code, and then this actor stops so the router starts a fresh one.
 * With maxTasksPerChild, the successor process starts as soon as the last allowed call is sent, so the
 * switch-over costs no start-up time and nothing waits on a retiring worker.
 */
internal sealed class WorkerProcessProxy : UntypedActor
{
    private sealed class Child(Process process)
    {
        public Process Process { get; } = process;

        public int Pid { get; } = process.Id;

        public IActorRef? Remote { get; set; }

        public int Sent { get; set; }

        public bool Retiring { get; set; }

        public Dictionary<long, WorkItem> InFlight { get; } = new();
    }

    private sealed record ProcessExited(int Pid, int ExitCode);

    private sealed record StartupDeadline(int Pid);

    private readonly ProcessPoolOptions options;
    private readonly Queue<WorkItem> waiting = new();
    private readonly ILoggingAdapter log = Context.GetLogger();
    private Child current = null!;
    private Child? successor;
    private long nextId;
    private bool announced;

    public WorkerProcessProxy(ProcessPoolOptions options) => this.options = options;

    public static Props Props(ProcessPoolOptions options) => Akka.Actor.Props.Create(() => new WorkerProcessProxy(options));

    protected override void PreStart()
    {
        try
        {
            current = Launch();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            // A worker that cannot even be started would fail the same way on every replacement: break the pool.
            var cause = new BrokenProcessPoolException($"Could not start a worker process: {e.Message}", e);
            Context.Parent.Tell(new InitializerFailed(cause));
            throw;
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case WorkItem item:
                waiting.Enqueue(item);
                Flush();
                break;
            case RegisterWorker register when IsOurs(register.Secret) && Find(register.ProcessId) is { } child:
                child.Remote = register.Worker;
                Context.Watch(register.Worker);
                if (!announced)
                {
                    // The router gives this proxy calls only from now on (a successor registering later changes nothing).
                    announced = true;
                    Context.Parent.Tell(WorkerIdle.Instance);
                    if (Interlocked.Decrement(ref options.Startup.Pending) == 0 && options.SpareWorkers > 0)
                    {
                        options.Launcher.EnsureSpares(options.SpareWorkers); // the pool's own workers are up: boot the next pool's
                    }
                }

                Flush();
                break;
            case RegisterWorker register:
                log.Warning("Ignored a worker registration from {0} (pid {1}) without this pool's secret.", Sender, register.ProcessId);
                break;
            case WorkerInitializerFailed failed when IsOurs(failed.Secret) && Find(failed.ProcessId) is { } child:
                var cause = failed.Error.ToException();
                Context.Parent.Tell(new InitializerFailed(cause));
                Lose(child, new BrokenProcessPoolException(BrokenProcessPoolException.InitializerFailedMessage, cause));
                break;
            case ResultItem result:
                Settle(result);
                break;
            case ProcessExited exited when Find(exited.Pid) is { } child:
                Exited(child, exited.ExitCode);
                break;
            case Terminated terminated when FindRemote(terminated.ActorRef) is { } child && !child.Retiring:
                // DeathWatch may beat the exit event; give the OS a moment to report the exit code.
                if (!child.Process.WaitForExit(TimeSpan.FromSeconds(1)))
                {
                    child.Process.Kill(entireProcessTree: true);
                    child.Process.WaitForExit();
                }

                Exited(child, child.Process.ExitCode);
                break;
            case StartupDeadline deadline when Find(deadline.Pid) is { Remote: null } child:
                child.Process.Kill(entireProcessTree: true);
                var error = new BrokenProcessPoolException(
                    $"Worker process {child.Pid} did not start within actorpool.process-pool.startup-timeout ({options.StartupTimeout}); the process pool is not usable anymore.");
                Context.Parent.Tell(new InitializerFailed(error));
                Lose(child, error);
                break;
            case ProcessExited or Terminated or StartupDeadline:
                break; // about a process already dealt with
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void PostStop()
    {
        foreach (var child in new[] { current, successor })
        {
            if (child is not null)
            {
                Stop(child, new BrokenProcessPoolException($"The process pool stopped before worker process {child.Pid} finished this call."));
            }
        }

        while (waiting.TryDequeue(out var item))
        {
            item.Fail(new BrokenProcessPoolException("The process pool stopped before this call was sent to a worker process."));
        }
    }

    private Child Launch()
    {
        if (!options.Prestarted.TryDequeue(out var process))
        {
            process = (options.SpareWorkers > 0 ? WorkerLauncher.TakeSpare() : null) ?? options.Launcher.Start();
        }

        try
        {
            var address = Self.Path.ToStringWithAddress(((ExtendedActorSystem)Context.System).Provider.DefaultAddress);
            WorkerLauncher.Introduce(process, address, options.Secret, options.MaxPayloadSize, options.Initializer);
        }
        catch (IOException)
        {
            // It already died; the exit event below reports it.
        }

        var child = new Child(process);
        var self = Self;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => self.Tell(new ProcessExited(child.Pid, SafeExitCode(process)));
        if (process.HasExited)
        {
            self.Tell(new ProcessExited(child.Pid, SafeExitCode(process)));
        }

        Context.System.Scheduler.ScheduleTellOnce(options.StartupTimeout, self, new StartupDeadline(child.Pid), self);
        return child;
    }

    private void Flush()
    {
        while (waiting.Count > 0 && current.Remote is { } remote && !current.Retiring)
        {
            var item = waiting.Dequeue();
            if (CallCodec.PreparationError(item) is { } error)
            {
                // Its arguments could not be serialized at Submit: it fails alone, and this worker has room for the next.
                item.Fail(error);
                Context.Parent.Tell(WorkerIdle.Instance);
                continue;
            }

            var call = CallCodec.Encode(item, options.Secret, ++nextId);
            current.InFlight[call.Id] = item;
            current.Sent++;
            remote.Tell(call, Self);
            if (current.Sent >= options.MaxTasksPerChild)
            {
                current.Retiring = true;
                successor ??= Launch();
            }
        }
    }

    private void Settle(ResultItem result)
    {
        // Only the registered worker that was sent the call may answer it.
        var child = FindRemote(Sender);
        if (child is null || !child.InFlight.Remove(result.Id, out var item))
        {
            return; // a reply to a call already failed (its worker was declared dead), or not from our worker
        }

        CallCodec.Settle(item, result);
        Context.Parent.Tell(WorkerIdle.Instance);
        if (child.Retiring && child.InFlight.Count == 0)
        {
            Retire(child);
        }
    }

    private void Retire(Child child)
    {
        CloseInput(child);
        child.Process.WaitForExitAsync().ContinueWith(_ => child.Process.Dispose(), TaskScheduler.Default);
        if (child == current && successor is not null)
        {
            current = successor;
            successor = null;
            Flush();
        }
    }

    private void Exited(Child child, int exitCode)
    {
        if (child.Retiring && child.InFlight.Count == 0)
        {
            return; // retired as planned
        }

        if (child == successor)
        {
            // The successor held no call yet: start another, and let the current worker finish undisturbed.
            child.Process.Dispose();
            successor = Launch();
            return;
        }

        if (child.Remote is null)
        {
            // It died before it was ready: as in CPython, that is a failing initializer, and the pool is broken.
            // The router's queued calls fail with this error's message too, so it leads with Python's.
            var cause = new BrokenProcessPoolException($"Worker process {child.Pid} exited with code {exitCode} before it was ready.");
            var error = new BrokenProcessPoolException(BrokenProcessPoolException.InitializerFailedMessage, cause);
            Context.Parent.Tell(new InitializerFailed(error));
            Lose(child, error);
            return;
        }

        Lose(child, new BrokenProcessPoolException(
            $"Worker process {child.Pid} terminated abruptly with exit code {exitCode} while this call was running or pending in it. " +
            "The pool has started a replacement; other calls are not affected."));
    }

    /// <summary>Fails what the process held and stops this proxy; the router then starts a fresh one.</summary>
    private void Lose(Child child, Exception error)
    {
        foreach (var item in child.InFlight.Values)
        {
            item.Fail(error);
        }

        child.InFlight.Clear();
        while (waiting.TryDequeue(out var item))
        {
            item.Fail(error);
        }

        Context.Stop(Self);
    }

    private void Stop(Child child, Exception error)
    {
        foreach (var item in child.InFlight.Values)
        {
            item.Fail(error);
        }

        child.InFlight.Clear();
        CloseInput(child); // the worker exits as soon as its stdin ends: no remoting shutdown dance to wait for
        if (!child.Process.WaitForExit(options.StopTimeout))
        {
            log.Warning("Worker process {0} did not exit within {1}; killing it.", child.Pid, options.StopTimeout);
            child.Process.Kill(entireProcessTree: true);
            child.Process.WaitForExit();
        }

        child.Process.Dispose();
    }

    private Child? Find(int pid) => current.Pid == pid ? current : successor?.Pid == pid ? successor : null;

    private Child? FindRemote(IActorRef remote) => current.Remote?.Equals(remote) == true ? current : successor?.Remote?.Equals(remote) == true ? successor : null;

    private bool IsOurs(string secret) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(options.Secret));

    private static void CloseInput(Child child)
    {
        try
        {
            child.Process.StandardInput.Close(); // the worker exits when its stdin ends
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // already gone
        }
    }

    private static int SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }
}
