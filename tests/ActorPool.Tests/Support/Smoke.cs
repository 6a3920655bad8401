namespace ActorPool.Tests.Support;

public class SmokeTests
{
    [Fact]
    public void Submit_OnStrictSystem_Completes()
    {
        using var system = TestSystems.Create();
        using var executor = new ThreadPoolExecutor(2, system: system);
        Assert.Equal(42, executor.Submit(() => 42).Result(TimeSpan.FromSeconds(30)));
        Assert.Equal([2, 4, 6], executor.Map(x => x * 2, [1, 2, 3]).ToArray());
    }
}
