using Akka.Actor;

namespace ActorPool.Cluster.Node;

/// <summary>
/// Why a node shut down when its payload limits were below a coordinator's: the node program writes
/// <see cref="Message"/> to stderr and exits with <see cref="Code"/>.
/// </summary>
internal sealed class NodeRefusedReason(string message) : CoordinatedShutdown.Reason
{
    /// <summary>The node program's exit code after such a refusal.</summary>
    public const int Code = 3;

    public string Message { get; } = message;

    public override int ExitCode => Code;

    public override string ToString() => Message;
}
