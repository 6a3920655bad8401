using ActorPool.Calls;

namespace ActorPool.Tests.Calls;

public sealed class MethodNamesTests
{
    [Fact]
    public void Describe_NamesMethodsLocalFunctionsAndLambdasAsWritten()
    {
        Func<int, int> lambda = static x => x + 1;

        Assert.Equal("MethodNamesTests.Named", MethodNames.Describe(((Func<int>)Named).Method));
        Assert.Equal("MethodNamesTests.Describe_NamesMethodsLocalFunctionsAndLambdasAsWritten.Local", MethodNames.Describe(((Func<int>)Local).Method));
        Assert.Equal("MethodNamesTests.Describe_NamesMethodsLocalFunctionsAndLambdasAsWritten (a lambda)", MethodNames.Describe(lambda.Method));

        static int Local() => 2;
    }

    private static int Named() => 1;
}
