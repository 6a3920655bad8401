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

            using var coordinator = Process.Start(PartitionNetwork.Inside(network.CoordinatorNamespace, start))
                ?? throw new InvalidOperationException("Could not start the coordinator.");

            // Ctrl+C reaches the coordinator from the terminal itself; this process waits for it, to delete the network
            // after. A SIGTERM sent to this process alone is passed on.
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                using var kill = Process.Start("kill", ["-TERM", coordinator.Id.ToString(CultureInfo.InvariantCulture)]);
            });
            coordinator.WaitForExit();
            return coordinator.ExitCode;
        }
        finally
        {
            network.Delete();
            Console.WriteLine($"Deleted the network namespaces {network.Name}-*.");
        }
    }
}
