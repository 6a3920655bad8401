// ActorPool.Cluster.dll is also the worker node program: dotnet exec it on an app's dependency graph (see ClusterWorkerNode).
return await ActorPool.Cluster.ClusterWorkerNode.RunAsync(args).ConfigureAwait(false);
