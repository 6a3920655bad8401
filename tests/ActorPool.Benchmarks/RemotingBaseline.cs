using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;

namespace ActorPool.Benchmarks;

/// <summary>
/// The floor under a process pool's round trip: a bare Akka.Remote ask between this process and a child echoing
/// an int back, with no ActorPool code on the path, over Akka's default transport (DotNetty TCP on 127.0.0.1,
/// batching off) or over the process pools' (<see cref="Loopback"/>: ActorPool's loopback transport, remoting's
/// actors on the calling thread). The child is this program again, run with <c>--echo-child</c>.
/// </summary>
internal static class RemotingBaseline
{
    private const string ChildFlag = "--echo-child";

    private static readonly Config Remoting = ConfigurationFactory.ParseString("""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
        akka.remote.dot-netty.tcp.port = 0
        akka.remote.dot-netty.tcp.batching.enabled = false
        akka.loglevel = ERROR
        akka.stdout-loglevel = ERROR
        """);

    /// <summary>A system of the user's speaking the process pools' transport, as a pool's own system does.</summary>
    public static readonly Config Loopback = ConfigurationFactory.ParseString("""
        akka.remote.enabled-transports = ["akka.remote.loopback"]
        akka.remote.loopback {
          transport-class = "ActorPool.Transport.Loopback.LoopbackTransport, ActorPool"
          applied-adapters = []
          hostname = "127.0.0.1"
          maximum-frame-size = 136MiB
        }
        akka.remote.use-dispatcher = "actorpool.calling-thread-dispatcher"
        akka.remote.untrusted-mode = on
        akka.remote.trusted-selection-paths = ["/system/remote-watcher"]
        actorpool.calling-thread-dispatcher {
          type = "ActorPool.Routing.CallingThreadDispatcherConfigurator, ActorPool"
          throughput = 32
        }
        """).WithFallback(Remoting);

    /// <summary>In the child: echoes until its stdin ends. Returns false in the parent, which goes on with the benchmarks.</summary>
    public static bool RunAsChild(string[] args)
    {
        if (args is not [ChildFlag, var parent])
        {
            return false;
        }

        var loopback = parent.StartsWith("akka.loopback:", StringComparison.Ordinal);
        if (loopback)
        {
            // The loopback transport admits only processes that prove the parent's key, which comes first on stdin.
            ActorPool.Transport.Loopback.LoopbackHandshake.Adopt(Console.In.ReadLine() ?? "");
        }

        using var system = ActorSystem.Create("echo-child", loopback ? Loopback : Remoting);
        var echo = system.ActorOf(Props.Create(() => new Echo()), "echo");
        ((ExtendedActorSystem)system).Provider.ResolveActorRef(parent).Tell(echo);
        while (Console.In.ReadLine() is not null)
        {
        }

        return true;
    }

    /// <summary>Median microseconds of one ask round trip, <paramref name="roundTrips"/> per repetition, after a warm-up.</summary>
    public static Sample Measure(int reps, int roundTrips, bool loopback)
    {
        using var system = ActorSystem.Create("echo-parent", loopback ? Loopback : Remoting);
        var found = new TaskCompletionSource<IActorRef>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inbox = system.ActorOf(Props.Create(() => new Inbox(found)), "inbox");
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        using var child = Process.Start(ChildStart(inbox.Path.ToStringWithAddress(address)))
            ?? throw new InvalidOperationException("Could not start the echo child process.");
        try
        {
            if (loopback)
            {
                child.StandardInput.WriteLine(ActorPool.Transport.Loopback.LoopbackHandshake.KeyLine);
                child.StandardInput.Flush();
            }

            var echo = found.Task.WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
            return ActorPool.Benchmarks.Measure.Median(reps, roundTrips, n =>
            {
                long sum = 0;
                for (var i = 1; i <= n; i++)
                {
                    sum += echo.Ask<int>(i, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
                }

                return sum;
            });
        }
        finally
        {
            child.StandardInput.Close();
            if (!child.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                child.Kill();
            }
        }
    }

    private static ProcessStartInfo ChildStart(string parentPath)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path to start the echo child with.");
        var start = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardInput = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(RemotingBaseline).Assembly.Location);
        }

        start.ArgumentList.Add(ChildFlag);
        start.ArgumentList.Add(parentPath);
        return start;
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<int>(i => Sender.Tell(i));
    }

    private sealed class Inbox : ReceiveActor
    {
        public Inbox(TaskCompletionSource<IActorRef> found) => Receive<IActorRef>(echo => found.TrySetResult(echo));
    }
}
