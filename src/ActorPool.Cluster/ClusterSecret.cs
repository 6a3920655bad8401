using System.Security.Cryptography;
using System.Text;
using Akka.Actor;

namespace ActorPool.Cluster;

/// <summary>
/// The cluster's shared secret. A node proves it knows the secret with an HMAC over the executor's one-time nonce
/// and its own address, so a node that asks to be given work learns nothing it could replay or reuse elsewhere.
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

    public static string Proof(string secret, string nonce, Address node) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{nonce}|{node}")));

    public static bool Matches(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
