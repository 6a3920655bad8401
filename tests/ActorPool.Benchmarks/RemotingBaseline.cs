using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;

namespace ActorPool.Benchmarks;

/// <summary>
/// The floor under a process pool's round trip: a bare Akka.Remote ask between this process and a child echoing
/// an int back, over the same transport settings as a process pool (DotNetty TCP on 127.0.0.1, batching off) and
/// with no ActorPool code on the path. The child is this program again, run with <c>--echo-child</c>.
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

    /// <summary>In the child: echoes until its stdin ends. Returns false in the parent, which goes on with the benchmarks.</summary>
    public static bool RunAsChild(string[] args)
    {
        if (args is not [ChildFlag, var parent])
        {
            return false;
        }

        using var system = ActorSystem.Create("echo-child", Remoting);
        var echo = system.ActorOf(Props.Create(() => new Echo()), "echo");
        system.ActorSelection(parent).Tell(echo);
        while (Console.In.ReadLine() is not null)
        {
        }

        return true;
    }

    /// <summary>Median microseconds of one ask round trip, <paramref name="roundTrips"/> per repetition, after a warm-up.</summary>
    public static Sample Measure(int reps, int roundTrips)
    {
        using var system = ActorSystem.Create("echo-parent", Remoting);
        var found = new TaskCompletionSource<IActorRef>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inbox = system.ActorOf(Props.Create(() => new Inbox(found)), "inbox");
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        using var child = Process.Start(ChildStart(inbox.Path.ToStringWithAddress(address)))
            ?? throw new InvalidOperationException("Could not start the echo child process.");
        try
        {
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
