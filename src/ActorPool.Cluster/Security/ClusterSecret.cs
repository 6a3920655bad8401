using System.Security.Cryptography;
using System.Text;
using ActorPool.Cluster.Configuration;
using Akka.Actor;

namespace ActorPool.Cluster.Security;

/// <summary>
/// The cluster's shared secret, which never crosses the wire itself. Each attachment of a node to an executor has a
/// one-time nonce, and everything else is an HMAC of the secret over it: the executor's proof when it asks a node
/// for workers (bound to the asking actor), each worker's proof when it registers (bound to that worker), and the
/// key its calls carry. A proof seen on the wire is good for nothing but the actor it names.
/// </summary>
internal static class ClusterSecret
{
    /// <summary>Where a node or an executor finds the secret when its options carry none.</summary>
    public const string Variable = "ACTORPOOL_CLUSTER_SECRET";

    public static string Resolve(string? configured, string who) =>
        configured is { Length: > 0 } ? configured
        : Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : throw new ArgumentException(
            $"{who} needs the cluster's secret, which every worker node must present to be given work: set the Secret option, " +
            $"or the {Variable} environment variable (never put it on a command line).");

    public static string NewNonce() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The executor's proof, in its request for workers, that it knows the secret; it covers the limits the node compares with its own.</summary>
    public static string AttachProof(string secret, string nonce, ActorPath executor, PayloadLimits limits) =>
        Mac(secret, $"attach|{nonce}|{executor}|{limits.MaxPayloadSize}|{limits.FrameSize}");

    /// <summary>A node's proof, when it refuses an executor for payload limits below its own, that it knows the secret; it covers those limits.</summary>
    public static string RefusalProof(string secret, string nonce, ActorPath node, PayloadLimits limits) =>
        Mac(secret, $"refused|{nonce}|{node}|{limits.MaxPayloadSize}|{limits.FrameSize}");

    /// <summary>A node worker's proof, when it registers, that its node knows the secret.</summary>
    public static string WorkerProof(string secret, string nonce, ActorPath worker) => Mac(secret, $"worker|{nonce}|{worker}");

    /// <summary>What the calls of one attachment carry, and its node workers check, instead of the secret.</summary>
    public static string CallKey(string secret, string nonce) => Mac(secret, $"calls|{nonce}");

    /// <summary>What the answers of one attachment's node workers carry, and the executor's proxies check.</summary>
    public static string ReplyKey(string secret, string nonce) => Mac(secret, $"replies|{nonce}");

    private static string Mac(string secret, string text) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(text)));

    public static bool Matches(string presented, string expected) => ActorPool.Security.SecretText.Matches(presented, expected);
}
