using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace LocalCluster;

/// <summary>
/// <c>--partition</c>: makes the network (<see cref="PartitionNetwork"/>), runs the demo's coordinator inside the
/// coordinator's namespace (this app again, with <c>--partition-inside</c>; a process cannot move its own threads
/// into a namespace), and deletes the network when it ends, however it ends. Without root or <c>ip</c>, it says what
/// it needs and starts nothing.
/// </summary>
internal static class PartitionLauncher
{
    /// <returns>The coordinator's exit code, or 2 when --partition cannot run here.</returns>
    public static int Run(DemoOptions options, IEnumerable<string> args)
    {
        if (PartitionNetwork.Unavailable() is { } missing)
        {
            Console.Error.WriteLine(missing);
            return 2;
        }

        var network = PartitionNetwork.Create(options.Nodes);
        try
        {
            Console.WriteLine($"Network namespaces {network.Name}-*: the coordinator at {PartitionNetwork.CoordinatorAddress}, " +
                              $"nodes at {PartitionNetwork.NodeAddress(0)}-{PartitionNetwork.NodeAddress(options.Nodes - 1)}, on a bridge of their own.");
            var start = NamespacedNodes.Self();
            foreach (var arg in args.Where(a => a != "--partition").Prepend(network.Name).Prepend("--partition-inside"))
            {
                start.ArgumentList.Add(arg);
            }

            // In a session of its own (setsid execs in place: the pid stays the coordinator's), so a Ctrl+C reaches it once,
            // passed on from here, and this process lives on to delete the network after it.
            var inside = PartitionNetwork.Inside(network.CoordinatorNamespace, start);
            inside.ArgumentList.Insert(0, inside.FileName);
            inside.FileName = "setsid";
            using var coordinator = Process.Start(inside) ?? throw new InvalidOperationException("Could not start the coordinator.");
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => PassOn(context, "INT"));
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => PassOn(context, "TERM"));
            coordinator.WaitForExit();
            return coordinator.ExitCode;

            void PassOn(PosixSignalContext context, string signal)
            {
                context.Cancel = true;
                using var kill = Process.Start("kill", [$"-{signal}", coordinator.Id.ToString(CultureInfo.InvariantCulture)]);
            }
        }
        finally
        {
            network.Delete();
            Console.WriteLine($"Deleted the network namespaces {network.Name}-*.");
        }
    }
}
