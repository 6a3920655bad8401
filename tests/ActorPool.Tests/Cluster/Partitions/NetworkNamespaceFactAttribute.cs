namespace ActorPool.Tests.Cluster.Partitions;

/// <summary>A fact that needs network namespaces: skipped, saying why, where they cannot be made (not root, no <c>ip</c>); CI runs as root.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NetworkNamespaceFactAttribute : FactAttribute
{
    public NetworkNamespaceFactAttribute()
    {
        if (NetworkNamespaces.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
