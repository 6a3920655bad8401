using ActorPool.Cluster;
using ActorPool.Configuration;
using Akka.Configuration;

namespace ActorPool.Tests.Policies;

/// <summary>
/// Memory limits that an executor cannot honor are refused at construction, before any worker starts: on executors
/// without worker processes, and limits that are not positive or whose soft limit is above the hard one.
/// </summary>
public sealed class MemoryLimitValidationTests
{
    public static TheoryData<ExecutorPolicy> AnyLimit =>
    [
        new ExecutorPolicy { WorkerMemorySoftLimit = 1L << 30 },
        new ExecutorPolicy { WorkerMemoryHardLimit = 1L << 30 },
    ];

    [Theory]
    [MemberData(nameof(AnyLimit))]
    public void ThreadPoolExecutor_WithAMemoryLimit_ThrowsArgumentExceptionSayingItNeedsWorkerProcesses(ExecutorPolicy policy)
    {
        var error = Assert.Throws<ArgumentException>(() => new ThreadPoolExecutor(1, policy: policy));

        Assert.IsNotType<ArgumentOutOfRangeException>(error);
        Assert.StartsWith("policy.WorkerMemory", error.ParamName, StringComparison.Ordinal);
        Assert.Contains("needs worker processes", error.Message, StringComparison.Ordinal);
        Assert.Contains("ProcessPoolExecutor", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AnyLimit))]
    public void ClusterPoolExecutor_WithAMemoryLimit_ThrowsArgumentExceptionSayingItNeedsWorkerProcesses(ExecutorPolicy policy)
    {
        var error = Assert.Throws<ArgumentException>(() => new ClusterPoolExecutor(new ClusterPoolExecutorOptions { Policy = policy }));

        Assert.Contains("needs worker processes", error.Message, StringComparison.Ordinal);
        Assert.Contains("cluster pool", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, null, "WorkerMemorySoftLimit")]
    [InlineData(-1L, null, "WorkerMemorySoftLimit")]
    [InlineData(null, 0L, "WorkerMemoryHardLimit")]
    [InlineData(null, long.MinValue, "WorkerMemoryHardLimit")]
    [InlineData(1L << 30, -5L, "WorkerMemoryHardLimit")]
    public void ProcessPoolExecutor_LimitNotPositive_ThrowsArgumentOutOfRangeExceptionNamingIt(long? soft, long? hard, string name)
    {
        var policy = new ExecutorPolicy { WorkerMemorySoftLimit = soft, WorkerMemoryHardLimit = hard };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ProcessPoolExecutor(1, policy: policy));

        Assert.Equal($"policy.{name}", error.ParamName);
        Assert.Contains("must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProcessPoolExecutor_SoftLimitAboveHardLimit_ThrowsArgumentOutOfRangeException()
    {
        var policy = new ExecutorPolicy { WorkerMemorySoftLimit = 2L << 30, WorkerMemoryHardLimit = 1L << 30 };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ProcessPoolExecutor(1, policy: policy));

        Assert.Equal("policy.WorkerMemorySoftLimit", error.ParamName);
        Assert.Contains("at or below the hard one", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThreadPoolExecutor_WithoutMemoryLimits_IsNotRefused()
    {
        using var executor = new ThreadPoolExecutor(1, policy: new ExecutorPolicy());

        Assert.Equal(2, executor.Submit(static () => 2).Result(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void MemoryCheckInterval_Zero_ThrowsConfigurationExceptionNamingTheKey()
    {
        // A negative duration does not even parse: Akka's HOCON throws FormatException for it, as for any key.
        var config = ConfigurationFactory.ParseString("actorpool.process-pool.memory-check-interval = 0s").WithFallback(ActorPoolConfig.Reference);

        var error = Assert.Throws<ConfigurationException>(() => ProcessPoolSettings.From(config));

        Assert.Contains("actorpool.process-pool.memory-check-interval must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MemoryCheckInterval_DefaultsTo100Milliseconds() =>
        Assert.Equal(TimeSpan.FromMilliseconds(100), ProcessPoolSettings.From(ActorPoolConfig.Reference).MemoryCheckInterval);
}
