using System.Security.Cryptography;
using System.Text;

namespace ActorPool.Security;

/// <summary>Compares a secret (or a key or proof derived from one) that a peer presented, in time that does not depend on where they differ.</summary>
internal static class SecretText
{
    public static bool Matches(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
