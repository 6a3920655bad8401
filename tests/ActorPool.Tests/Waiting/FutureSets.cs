namespace ActorPool.Tests.Waiting;

/// <summary>Set assertions over futures by identity, with messages that say which futures were where.</summary>
internal static class FutureSets
{
    public static void Equal(IEnumerable<Future> expected, IEnumerable<Future> actual, string what)
    {
        var expectedSet = new HashSet<Future>(expected, ReferenceEqualityComparer.Instance);
        var actualSet = new HashSet<Future>(actual, ReferenceEqualityComparer.Instance);
        Assert.True(
            expectedSet.SetEquals(actualSet),
            $"{what}: expected [{Describe(expectedSet)}] but got [{Describe(actualSet)}].");
    }

    private static string Describe(IEnumerable<Future> futures) => string.Join(", ", futures.Select(f => f.ToString()));
}
