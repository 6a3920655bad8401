using System.Diagnostics;
using System.Security.Cryptography;
using ActorPool.Logging;
using ActorPool.Threads;
using ActorPool.Wire;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorPool.ProcessPool;

/// <summary>
/// One worker process of a proxy, as an OS process: how it is started and introduced, how it is let go (its stdin
/// closed, then waited for, then killed), and what it holds meanwhile. Its exit reaches the proxy as
/// <see cref="ProcessExited"/>; a start that takes too long, as <see cref="StartupDeadline"/>.
/// </summary>
internal sealed class WorkerChild
{
    private WorkerChild(Process process, ClaimBoard board)
    {
        Process = process;
        Pid = process.Id;
        Board = board;
        // Board slots not holding a call; twice the capacity, since a call taken back keeps its slot until the worker answers for it.
        FreeSlots = new Stack<int>(Enumerable.Range(0, board.Slots).Reverse());
    }

    public Process Process { get; }

    public int Pid { get; }

    /// <summary>The words shared with the process that decide who gets each call it holds unstarted.</summary>
    public ClaimBoard Board { get; }

    /// <summary>What this process's answers carry, told to it alone over its stdin.</summary>
    public string ReplyKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Board slots not holding a call.</summary>
    public Stack<int> FreeSlots { get; }

    /// <summary>The process's call runner, once it has registered; null while it starts.</summary>
    public IActorRef? Remote { get; private set; }

    /// <summary>The runner's stop actor, which cancels a running call's token while the runner's thread runs it.</summary>
    public IActorRef? Stopper { get; private set; }

    /// <summary>Gathers the calls of one flush into as few messages as the limits allow; made once, when it registers.</summary>
    public Batcher<CallItem>? Outbox { get; private set; }

    /// <summary>Calls sent to it over its life, against <c>maxTasksPerChild</c>.</summary>
    public int Sent { get; set; }

    /// <summary>The wire size of the calls in <see cref="InFlight"/>.</summary>
    public long InFlightBytes { get; set; }

    /// <summary>Sent its last allowed call: it gets nothing more, and goes once it has answered everything.</summary>
    public bool Retiring { get; set; }

    /// <summary>Killed by its proxy to stop a call that overstayed its grace period (so its exit is no crash).</summary>
    public bool KilledToStopCall { get; set; }

    /// <summary>The resident memory it was seen using when its proxy killed it for going over the hard limit (so its exit is no crash).</summary>
    public long? KilledForMemory { get; set; }

    /// <summary>Seen over the soft memory limit: it gets nothing more, and goes after the call it runs.</summary>
    public bool OverSoftMemoryLimit { get; set; }

    /// <summary>The calls it holds, by the id they were sent with.</summary>
    public Dictionary<long, HeldCall> InFlight { get; } = new();

    /// <summary>
    /// Takes a process the executor started ahead, or a spare, or starts one; introduces it to <paramref name="proxy"/> (at
    /// <paramref name="proxyAddress"/>) over its stdin; and arranges for its exit and its start-up deadline to be told.
    /// </summary>
    public static WorkerChild Launch(ProcessPoolContext pool, IActorRef proxy, string proxyAddress, IScheduler scheduler)
    {
        if (!pool.Prestarted.TryDequeue(out var process))
        {
            if ((pool.SpareWorkers > 0 ? pool.Launcher.TakeSpare() : null) is { } spare)
            {
                process = spare;
                ProcessPoolLog.SpareTaken(pool.Log, process.Id);
            }
            else
            {
                process = pool.Launcher.Start();
                ProcessPoolLog.WorkerStarted(pool.Log, process.Id);
            }
        }
        else
        {
            ProcessPoolLog.WorkerStarted(pool.Log, process.Id);
        }

        var child = new WorkerChild(process, ClaimBoard.Create(2 * pool.Capacity));
        try
        {
            WorkerLauncher.Introduce(process, proxyAddress, pool.Secret, child.ReplyKey, pool.MaxPayloadSize, pool.Initializer, child.Board);
        }
        catch (IOException)
        {
            // It already died; the exit event below reports it.
        }

        // The exit watch outlives whoever launches the worker (a constructor or a Submit on the caller's thread, or the exit
        // callback of the worker it replaces): set up without that code's context, so its callback does not carry it on.
        WithoutCallerContext.Run(() =>
        {
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) => proxy.Tell(new ProcessExited(child.Pid, SafeExitCode(process)));
        });
        if (process.HasExited)
        {
            proxy.Tell(new ProcessExited(child.Pid, SafeExitCode(process)));
        }

        scheduler.ScheduleTellOnce(pool.StartupTimeout, proxy, new StartupDeadline(child.Pid), proxy);
        return child;
    }

    /// <summary>The process registered its call runner: from now on calls go to it, gathered by <see cref="Outbox"/>.</summary>
    public void Registered(IActorRef runner, IActorRef stopper, Batcher<CallItem> outbox)
    {
        Remote = runner;
        Stopper = stopper;
        Outbox = outbox;
    }

    /// <summary>Ends its stdin: the worker exits as soon as it sees that, with no remoting shutdown dance to wait for.</summary>
    public void CloseInput()
    {
        try
        {
            Process.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // already gone
        }
    }

    /// <summary>Lets a worker that has answered everything go; its process object is released once it has exited.</summary>
    public void Retire()
    {
        CloseInput();
        Board.Dispose();
        Process.WaitForExitAsync().ContinueWith(_ => Process.Dispose(), TaskScheduler.Default);
    }

    /// <summary>
    /// Lets the worker go: completes once it has exited, or after <paramref name="timeout"/> once it has been killed. Stdin
    /// closes now, so the workers of a pool being shut down all leave at the same time.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout, ILogger log)
    {
        CloseInput();
        try
        {
            await Process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            ProcessPoolLog.WorkerDidNotExit(log, Pid, timeout);
            try
            {
                Process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it exited between the timeout and the kill
            }

            await Process.WaitForExitAsync().ConfigureAwait(false);
        }

        Release();
    }

    /// <summary>Releases a process that has exited, and its board (every future that could ask the board is settled by now).</summary>
    public void Release()
    {
        Process.Dispose();
        Board.Dispose();
    }

    /// <summary>SIGKILL: the process ends at once, whatever it runs.</summary>
    public void Kill() => Process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM where there is one (the runtime exits, its exit handlers run); elsewhere a kill.</summary>
    public void Terminate()
    {
        if (OperatingSystem.IsWindows() || Terminator.Signal(Pid) != 0)
        {
            Kill();
        }
    }

    /// <summary>
    /// For a process whose remote end DeathWatch gave up on: waits a moment for its exit (which brings the exit code and
    /// settles it), and kills it if it has not exited: it is frozen. Awaited off the proxy's thread.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "A process already gone or disposed needs no kill.")]
    public async Task KillUnlessExitedAsync()
    {
        try
        {
            await Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            try
            {
                Process.Kill(entireProcessTree: true);
            }
            catch (Exception)
            {
                // exited meanwhile, or already disposed by the pool's shutdown
            }
        }
        catch (Exception)
        {
            // disposed by the pool's shutdown
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

/// <summary>kill(2), for the SIGTERM that <see cref="System.Diagnostics.Process"/> does not send.</summary>
internal static partial class Terminator
{
    private const int SigTerm = 15;

    public static int Signal(int pid) => Kill(pid, SigTerm);

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>A worker process exited (told by its OS process's exit event). One that reaches a proxy already stopped (the pool
/// shut down) is expected, not a dead letter worth a log line.</summary>
internal sealed record ProcessExited(int Pid, int ExitCode) : Akka.Event.IDeadLetterSuppression;

/// <summary>A worker process's start-up time is up: if it has not registered by now, it counts as failed.</summary>
internal sealed record StartupDeadline(int Pid);
