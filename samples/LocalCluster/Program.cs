// ActorPool's multi-process local cluster demo (the README's "Beyond one machine"): a coordinator in this process,
// worker nodes in child processes on 127.0.0.1, one of them killed mid-run. `node ...` runs this same app as a
// worker node instead: that is how a node on another machine gets the demo's code. `--partition` runs the demo in
// network namespaces instead (PartitionLauncher), and cuts a node off rather than killing it.
using System.Runtime.InteropServices;
using ActorPool.Cluster;
using LocalCluster;

if (args is ["node", .. var nodeArgs])
{
    return await ClusterWorkerNode.RunAsync(nodeArgs);
}

if (args is ["--help" or "-h", ..])
{
    Console.WriteLine(DemoOptions.Usage);
    return 0;
}

// The coordinator of --partition, which PartitionLauncher starts inside the namespace it made for it.
var network = args is ["--partition-inside", var name, ..] ? name : null;
DemoOptions options;
try
{
    options = DemoOptions.Parse(network is null ? args : args[2..]);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"{e.Message}\n\n{DemoOptions.Usage}");
    return 2;
}

if (options.Partition && network is null)
{
    return PartitionLauncher.Run(options, args);
}

// Ctrl+C or SIGTERM: stop at once but cleanly (the using blocks stop the nodes, then the coordinator). Handled
// here, before the runtime's default (exit), which would make the coordinator's actor system leave the cluster
// under the running demo. A second Ctrl+C ends this process outright; the nodes still leave, as their stdin ends.
var stop = new CancellationTokenSource(); // never disposed: a signal may come at any moment until exit
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await new Demo(options, stop.Token, network is null ? null : PartitionNetwork.Existing(network, options.Nodes)).RunAsync();

void Stop(PosixSignalContext context)
{
    context.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
}
