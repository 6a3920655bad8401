using System.Diagnostics;
using ActorPool.Logging;
using ActorPool.Tests.Support;
using ActorPool.Wire;
using Microsoft.Extensions.Logging;

namespace ActorPool.Tests.Logging;

/// <summary>A worker process's log records on their way to the parent: bounded in size and in rate, none lost uncounted.</summary>
public sealed class WorkerLogForwarderTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    public WorkerLogForwarderTests()
        : base(TestSystems.Strict)
    {
    }

    [Fact]
    public void Send_AFloodOfRecords_ForwardsABurstThenTheRateAndCountsEveryRecordLeftOut()
    {
        var parent = CreateTestProbe();
        var forwarder = new WorkerLogForwarder(parent.Ref, "key");
        const int sent = 300;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < sent; i++)
        {
            forwarder.Send(LogLevel.Warning, LogCategories.Worker, $"record {i}");
        }

        var elapsed = clock.Elapsed;

        // Markers until one gets through (the bucket refills at its rate): it carries the count of everything left out
        // since the last record that got through, markers included, so every record is either received or counted.
        var received = new List<WorkerLogRecord>();
        var markers = 0;
        while (!received.Any(IsMarker))
        {
            Assert.True(markers < 100, "no record got through after the flood, though the bucket refills");
            forwarder.Send(LogLevel.Error, LogCategories.Worker, $"marker {markers++}");
            while (parent.ReceiveOne(TimeSpan.FromMilliseconds(300)) is WorkerLogRecord record)
            {
                received.Add(record);
            }
        }

        Assert.Equal(sent + markers, received.Count + received.Sum(record => record.Dropped));
        var flood = received.Where(record => !IsMarker(record)).ToList();
        // The bucket holds a burst and refills at a steady rate: no more got through than that allows in the time taken.
        Assert.InRange(flood.Count, WorkerLogForwarder.Burst, WorkerLogForwarder.Burst + 1 + (int)(elapsed.TotalSeconds * WorkerLogForwarder.PerSecond));
        Assert.Equal("record 0", flood[0].Text);
        Assert.All(received, record => Assert.Equal(Environment.ProcessId, record.ProcessId));

        static bool IsMarker(WorkerLogRecord record) => record.Text.StartsWith("marker", StringComparison.Ordinal);
    }

    [Fact]
    public void Send_ATextOverTheLimit_CutToTheLimitWithAnEllipsis()
    {
        var parent = CreateTestProbe();
        var forwarder = new WorkerLogForwarder(parent.Ref, "key");

        forwarder.Send(LogLevel.Information, new string('s', WorkerLogRecord.MaxSourceLength * 2), new string('t', WorkerLogRecord.MaxTextLength * 3));

        var record = parent.ExpectMsg<WorkerLogRecord>(Generous);
        Assert.Equal(WorkerLogRecord.MaxTextLength, record.Text.Length);
        Assert.EndsWith("…", record.Text, StringComparison.Ordinal);
        Assert.Equal(WorkerLogRecord.MaxSourceLength, record.Source.Length);
    }

    [Fact]
    public void Log_BelowInformation_NotSent()
    {
        var parent = CreateTestProbe();
        var forwarder = new WorkerLogForwarder(parent.Ref, "key");

        forwarder.Log(LogLevel.Debug, default, "chatter", null, (text, _) => text);
        forwarder.Log(LogLevel.Information, default, "news", null, (text, _) => text);

        Assert.Equal("news", parent.ExpectMsg<WorkerLogRecord>(Generous).Text);
        parent.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
