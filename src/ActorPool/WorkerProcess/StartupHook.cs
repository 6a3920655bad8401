using ActorPool.Launching;
using ActorPool.WorkerProcess;

/// <summary>
/// Makes the app a worker process: <see cref="ChildProgram"/> starts it with
/// <c>DOTNET_STARTUP_HOOKS=ActorPool</c>, and the runtime calls <see cref="Initialize"/> before the app's <c>Main</c>.
/// In any other process (no <c>ACTORPOOL_PROGRAM=ActorPool</c>) it returns at once.
/// </summary>
/// <remarks>The runtime finds it by this exact name, outside any namespace.</remarks>
internal static class StartupHook
{
    public static void Initialize()
    {
        if (ChildProgram.StartedAs(typeof(WorkerHost).Assembly))
        {
            Environment.Exit(WorkerHost.Run()); // the app's Main never runs in a worker
        }
    }
}
