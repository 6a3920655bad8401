using ActorPool.Security;
using ActorPool.Wire;

namespace ActorPool.Tests.Security;

/// <summary>
/// What a cluster node's allow-list lets through, checked on the call's description (nothing is loaded): the
/// declaring type's assembly, and every type a generic declaring type or method names.
/// </summary>
public sealed class AssemblyAllowListTests
{
    private static readonly AssemblyAllowList OnlyTests = new(["ActorPool.Tests"]);

    private static CallDescriptor Describe(Delegate fn) => CallDescriptor.For(fn, nameof(fn));

    [Fact]
    public void Check_MethodOfAnAllowedAssembly_Passes() =>
        OnlyTests.Check(Describe(Holder.Twice));

    [Fact]
    public void Check_MethodOfAnotherAssembly_IsRefusedNamingIt()
    {
        var error = Assert.Throws<UnauthorizedAccessException>(() => OnlyTests.Check(Describe((Func<int, int>)Math.Abs)));

        Assert.Contains("System.Private.CoreLib", error.Message, StringComparison.Ordinal);
        Assert.Contains("--allow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_GenericMethodOverRuntimeTypes_Passes() =>
        OnlyTests.Check(Describe(Holder.Count<List<int>>));

    [Fact]
    public void Check_GenericMethodOverATypeOfAnotherAssembly_IsRefused()
    {
        var error = Assert.Throws<UnauthorizedAccessException>(() => OnlyTests.Check(Describe(Holder.Count<FactAttribute>)));

        Assert.Contains("xunit.core", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MethodOfAGenericTypeClosedOverATypeOfAnotherAssembly_IsRefused()
    {
        // The declaring type itself names the other assembly: Holder<FactAttribute> would load xunit.core.
        var error = Assert.Throws<UnauthorizedAccessException>(() => OnlyTests.Check(Describe(Holder<FactAttribute>.Where)));

        Assert.Contains("xunit.core", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NuGetPackageNamedLikeTheRuntime_IsNotTakenForTheRuntime()
    {
        var descriptor = Describe(Holder.Count<int>) with { GenericArguments = ["System.Data.SqlClient.SqlConnection, System.Data.SqlClient"] };

        Assert.Throws<UnauthorizedAccessException>(() => OnlyTests.Check(descriptor));
    }

    private static class Holder
    {
        public static int Twice(int x) => 2 * x;

        public static int Count<T>(T[] items) => items.Length;
    }

    private static class Holder<T>
    {
        public static string Where() => typeof(T).Assembly.GetName().Name!;
    }
}
