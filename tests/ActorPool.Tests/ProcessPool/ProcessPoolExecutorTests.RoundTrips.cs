namespace ActorPool.Tests.ProcessPool;

// Values through a worker process and back (System.Text.Json of the declared types), exceptions included, and
// Map's chunks. All on the shared pool: none of these can disturb it.
public sealed partial class ProcessPoolExecutorTests
{
    private T RoundTrip<T>(T value) => shared.Executor.Submit(ProcessCalls.Echo, value).Result(Bound);

    [Fact]
    public void AddDoneCallback_WaitsForAnotherCallOfTheSamePool_BothComplete()
    {
        // The answer arrives on the thread that reads the worker's socket; a callback run there and blocked would stop
        // that worker's next answer from being read.
        var executor = Start(1);
        using var called = new ManualResetEventSlim();
        var inner = 0;
        var first = executor.Submit(ProcessCalls.Pid);
        first.AddDoneCallback(_ =>
        {
            inner = executor.Submit(ProcessCalls.Pid).Result(Bound);
            called.Set();
        });

        Assert.True(called.Wait(Bound));
        Assert.Equal(first.Result(Bound), inner);
    }

    [Fact]
    public void Submit_Primitives_RoundTripUnchanged()
    {
        Assert.Equal(42, RoundTrip(42));
        Assert.Equal(long.MinValue, RoundTrip(long.MinValue));
        Assert.Equal(ulong.MaxValue, RoundTrip(ulong.MaxValue));
        Assert.Equal((byte)255, RoundTrip((byte)255));
        Assert.Equal((short)-7, RoundTrip((short)-7));
        Assert.Equal(0.1 + 0.2, RoundTrip(0.1 + 0.2));
        Assert.Equal(double.NaN, RoundTrip(double.NaN));
        Assert.Equal(double.NegativeInfinity, RoundTrip(double.NegativeInfinity));
        Assert.Equal(1.5f, RoundTrip(1.5f));
        Assert.Equal(79228162514264337593543950335m, RoundTrip(decimal.MaxValue));
        Assert.True(RoundTrip(true));
        Assert.Equal('λ', RoundTrip('λ'));
        Assert.Equal(DayOfWeek.Friday, RoundTrip(DayOfWeek.Friday));
        var guid = Guid.NewGuid();
        Assert.Equal(guid, RoundTrip(guid));
        var instant = new DateTimeOffset(2024, 2, 29, 23, 59, 58, 123, TimeSpan.FromHours(-5));
        Assert.Equal(instant, RoundTrip(instant));
        Assert.Equal(TimeSpan.FromMilliseconds(1234.5), RoundTrip(TimeSpan.FromMilliseconds(1234.5)));
        Assert.Null(RoundTrip<int?>(null));
        Assert.Equal(5, RoundTrip<int?>(5));
    }

    [Fact]
    public void Submit_Strings_RoundTripUnchanged()
    {
        string[] strings = ["", "plain", "quotes \" and \\ backslashes", "line\nbreaks\r\nand\ttabs", "héllo wörld ✓ 😀 日本語", "\0 nul inside", new string('x', 100_000)];
        foreach (var value in strings)
        {
            Assert.Equal(value, RoundTrip(value));
        }

        Assert.Null(RoundTrip<string?>(null));
    }

    [Fact]
    public void Submit_ArraysListsAndDictionaries_RoundTripUnchanged()
    {
        Assert.Equal([3, 1, 2], RoundTrip<int[]>([3, 1, 2]));
        Assert.Empty(RoundTrip(Array.Empty<string>()));
        Assert.Equal(new[] { "a", null, "c" }, RoundTrip<string?[]>(["a", null, "c"]).AsEnumerable());
        Assert.Equal([[1], [2, 3]], RoundTrip<int[][]>([[1], [2, 3]]));
        Assert.Equal(["x", "y"], RoundTrip(new List<string> { "x", "y" }));
        Assert.Equal(new Dictionary<string, int> { ["one"] = 1, ["two"] = 2 }, RoundTrip(new Dictionary<string, int> { ["one"] = 1, ["two"] = 2 }));

        var byNumber = RoundTrip(new Dictionary<int, List<string>> { [1] = ["a"], [2] = ["b", "c"] });
        Assert.Equal(["b", "c"], byNumber[2]);
        Assert.Equal([1, 2], byNumber.Keys.Order());
    }

    [Fact]
    public void Submit_Tuples_RoundTripUnchanged()
    {
        Assert.Equal((1, "two", 3.5), RoundTrip((1, "two", 3.5)));
        Assert.Equal(Tuple.Create(7, "seven"), RoundTrip(Tuple.Create(7, "seven")));
        Assert.Equal([("a", 1), ("b", 2)], RoundTrip(new List<(string Name, int Score)> { ("a", 1), ("b", 2) }));
        Assert.Equal((2, 1), shared.Executor.Submit(Contract.ContractCalls.DivMod, 5, 2).Result(Bound)); // a tuple as the declared result
    }

    [Fact]
    public void Submit_RecordsAndPlainClasses_RoundTripUnchanged()
    {
        var segment = new Segment(new Point(1, 2), new Point(-3, 4), "diagonal");
        Assert.Equal(segment, RoundTrip(segment));
        Assert.Equal([new Point(0, 0), new Point(1, 1)], RoundTrip(new[] { new Point(0, 0), new Point(1, 1) }));

        var customer = new Customer { Name = "Ada", Age = 36, Home = new Address { City = "London", Street = "St James's Square" }, Tags = ["math", "engines"] };
        var back = RoundTrip(customer);
        Assert.NotSame(customer, back);
        Assert.Equal(("Ada", 36), (back.Name, back.Age));
        Assert.Equal(("London", "St James's Square"), (back.Home?.City, back.Home?.Street));
        Assert.Equal(["math", "engines"], back.Tags);
        Assert.Null(RoundTrip(new Customer { Name = "no home" }).Home);
    }

    [Fact]
    public void Submit_ThreeArgumentsOfDifferentTypes_EachArrivesAsDeclared()
    {
        var result = shared.Executor.Submit(static (string s, Point p, int[] xs) => $"{s}:{p.X + p.Y}:{xs.Sum()}", "sum", new Point(2, 3), [1, 2, 3]).Result(Bound);

        Assert.Equal("sum:5:6", result);
    }

    [Fact]
    public void Map_ChunkSize_EachChunkRunsInOneProcessAndResultsComeInOrder()
    {
        const int ChunkSize = 10;

        var results = shared.Executor.Map(ProcessCalls.PidAndItem, Enumerable.Range(0, 60), chunkSize: ChunkSize).ToArray();

        Assert.Equal(Enumerable.Range(0, 60), results.Select(r => r.Item));
        Assert.DoesNotContain(Environment.ProcessId, results.Select(r => r.Pid));

        // One message per chunk: a chunk's items all ran in the worker process it was sent to. Items sent one by
        // one would be spread over both idle workers from the first two on.
        Assert.All(results.Chunk(ChunkSize), chunk => Assert.Single(chunk.Select(r => r.Pid).Distinct()));
    }

    [Fact]
    public void Submit_CallThrows_SameTypeMessageInnerExceptionAndTheWorkersStackTraceComeBack() // test_traceback
    {
        var future = shared.Executor.Submit(ProcessCalls.ThrowWithInner, "thrown in the worker");

        var error = Assert.Throws<InvalidOperationException>(() => future.Result(Bound));

        Assert.Equal("thrown in the worker", error.Message);
        var inner = Assert.IsType<ArgumentException>(error.InnerException);
        Assert.Equal("the inner cause", inner.Message);
        // The method ran only in the worker process, so its frame can only come from the worker's stack trace.
        Assert.Contains(nameof(ProcessCalls.ThrowWithInner), error.StackTrace, StringComparison.Ordinal);
        Assert.Contains(nameof(ProcessCalls.ThrowWithInner), error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Submit_CallThrowsAnExceptionThatCannotBeRebuilt_ComesBackAsRemoteWorkerException()
    {
        var error = Assert.IsType<RemoteWorkerException>(shared.Executor.Submit(ProcessCalls.ThrowCodeOnly, 42).Exception(Bound));

        Assert.Equal(typeof(CodeOnlyException).FullName, error.RemoteTypeName);
        Assert.Contains("failed with code 42", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ProcessCalls.ThrowCodeOnly), error.StackTrace, StringComparison.Ordinal);
    }
}
