// ActorPool's multi-process local cluster demo (the README's "Beyond one machine"): a coordinator in this process,
// worker nodes in child processes on 127.0.0.1, one of them killed mid-run. `node ...` runs this same app as a
// worker node instead: that is how a node on another machine gets the demo's code.
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

DemoOptions options;
try
{
    options = DemoOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"{e.Message}\n\n{DemoOptions.Usage}");
    return 2;
}

// Ctrl+C or SIGTERM: stop at once but cleanly (the using blocks stop the nodes and the coordinator). A second
// Ctrl+C ends this process outright; the nodes still leave, as their stdin ends with it.
var stop = new CancellationTokenSource(); // never disposed: a signal may come at any moment until exit
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
};
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
return await new Demo(options, stop.Token).RunAsync();
