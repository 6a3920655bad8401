using ActorPool.Cluster;
using ActorPool.Launching;

/// <summary>
/// Makes the app a worker node (<see cref="LocalNodeProcess"/>):
/// <see cref="ChildProgram"/> starts it with <c>DOTNET_STARTUP_HOOKS=ActorPool.Cluster</c>, and the runtime calls
/// <see cref="Initialize"/> before the app's <c>Main</c>. In any other process it returns at once.
/// </summary>
/// <remarks>The runtime finds it by this exact name, outside any namespace.</remarks>
internal static class StartupHook
{
    public static void Initialize()
    {
        if (ChildProgram.StartedAs(typeof(ClusterWorkerNode).Assembly))
        {
            // The node's arguments follow the app's executable, or its entry assembly under dotnet exec.
            Environment.Exit(ClusterWorkerNode.RunAsync(Environment.GetCommandLineArgs()[1..]).GetAwaiter().GetResult());
        }
    }
}
