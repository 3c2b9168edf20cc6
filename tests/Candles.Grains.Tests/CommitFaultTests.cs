using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Ticks;

using static Candles.Grains.Tests.At;

namespace Candles.Grains.Tests;

/// <summary>The 1m store failing, refusing or forgetting under a symbol grain: no acknowledged tick is lost, none counted twice.</summary>
[Collection(nameof(SharedCluster))]
public class CommitFaultTests(ClusterFixture fixture)
{
    /// <summary>Three batches over several minutes, with a late tick that corrects a closed bar in the last one.</summary>
    private static Tick[][] Batches(string day) =>
    [
        [Buy(1, $"{day}T00:00:10Z", 100), Buy(2, $"{day}T00:01:10Z", 101), new Tick(3, Us($"{day}T00:02:10Z"), 99, 2, AggressorSide.Sell)],
        [Buy(4, $"{day}T00:03:10Z", 104), Buy(5, $"{day}T00:04:10Z", 105, 3), new Tick(6, Us($"{day}T00:05:10Z"), 98, 1, AggressorSide.Sell)],
        [new Tick(7, Us($"{day}T00:01:50Z"), 90, 4, AggressorSide.Sell), Buy(8, $"{day}T00:06:10Z", 106)],
    ];

    private static void AssertSameBars(IReadOnlyList<Bar> expected, IReadOnlyList<Bar> actual)
    {
        Assert.Equal(expected.Select(b => b.Candle), actual.Select(b => b.Candle));
        Assert.Equal(expected.Select(b => b.Footprint.Levels.ToArray()), actual.Select(b => b.Footprint.Levels.ToArray()));
    }

    private async Task<IReadOnlyList<Bar>> ReferenceAsync(string id, Tick[][] batches)
    {
        var grain = await fixture.DefinedAsync(id);
        foreach (var batch in batches)
        {
            await grain.Ingest(batch, live: false);
        }

        return (await grain.GetMinuteBars(long.MinValue, long.MaxValue)).Bars;
    }

    [Fact]
    public async Task AMarkWhoseCommitFailedRevisesItsMinutesWhenRetried()
    {
        var grain = await fixture.DefinedAsync("TEST:MARKFAULT");
        await grain.Ingest([Buy(1, "2026-03-02T00:00:10Z", 100), Buy(2, "2026-03-02T00:01:10Z", 101), Buy(3, "2026-03-02T00:02:10Z", 102)], live: false);

        // The mark is stored, then its commit fails: the caller retries.
        fixture.MinuteBars.FailCommit("TEST:MARKFAULT");
        await Assert.ThrowsAsync<InstrumentUnavailableException>(() => grain.MarkIncomplete(Us("2026-03-02T00:00:30Z"), Us("2026-03-02T00:00:40Z")));
        await grain.MarkIncomplete(Us("2026-03-02T00:00:30Z"), Us("2026-03-02T00:00:40Z"));

        // Its minute is revised, as a correction its holders hear of; the others are not.
        var revised = await grain.GetRevisedMinutes(long.MaxValue);
        Assert.Equal([Ms("2026-03-02T00:00:00Z")], revised.OpenTimesMs);
        Assert.Equal([1], revised.Revisions);
    }

    [Fact]
    public async Task AFailedCommitKeepsNothingOfTheBatchAndTheRetryAppliesIt()
    {
        var batches = Batches("2026-03-02");
        var expected = await ReferenceAsync("TEST:FAULT-REF", batches);
        var grain = await fixture.DefinedAsync("TEST:FAULT");
        await grain.Ingest(batches[0], live: false);
        var before = (await grain.GetMinuteBars(long.MinValue, long.MaxValue)).Bars;

        fixture.MinuteBars.FailCommit("TEST:FAULT");
        await Assert.ThrowsAsync<InstrumentUnavailableException>(() => grain.Ingest(batches[1], live: false));

        // As if the batch never came: neither the grain nor the store shows any of it.
        AssertSameBars(before, (await grain.GetMinuteBars(long.MinValue, long.MaxValue)).Bars);
        Assert.Equal(2, (await fixture.MinuteBars.LoadAsync("TEST:FAULT", long.MinValue, long.MaxValue)).Count);

        // The retry is applied, not answered "duplicate"; the later batches land as if nothing had failed.
        Assert.Equal(new IngestReport(3, 3, 0, 0, 0), await grain.Ingest(batches[1], live: false));
        await grain.Ingest(batches[2], live: false);
        AssertSameBars(expected, (await grain.GetMinuteBars(long.MinValue, long.MaxValue)).Bars);

        // And the store holds the same, so a new activation does too.
        await fixture.Cluster.DeactivateAsync(grain);
        AssertSameBars(expected, (await grain.GetMinuteBars(long.MinValue, long.MaxValue)).Bars);
    }

    [Fact]
    public async Task AFailedFlushIsRetriedWithoutLosingTheLastBar()
    {
        var batches = Batches("2026-03-03");
        var grain = await fixture.DefinedAsync("TEST:FLUSHFAULT");
        await grain.Ingest(batches[0], live: false);
        fixture.MinuteBars.FailCommit("TEST:FLUSHFAULT");
        await Assert.ThrowsAsync<InstrumentUnavailableException>(grain.Flush);
        await grain.Flush();
        var page = await grain.GetMinuteBars(long.MinValue, long.MaxValue);
        Assert.Equal(3, page.Bars.Count);
        Assert.All(page.Bars, bar => Assert.True(page.IsClosed(bar)));
        Assert.Equal(3, (await fixture.MinuteBars.LoadAsync("TEST:FLUSHFAULT", long.MinValue, long.MaxValue)).Count);
    }

    [Fact]
    public async Task ATrimFailureAfterACommitDoesNotFailTheBatch()
    {
        fixture.MinuteBars.FailTrims("TEST:TRIMFAULT");
        var grain = await fixture.DefinedAsync("TEST:TRIMFAULT");
        foreach (var batch in Batches("2026-03-04"))
        {
            await grain.Ingest(batch, live: false);
        }

        Assert.Equal(6, (await fixture.MinuteBars.LoadAsync("TEST:TRIMFAULT", long.MinValue, long.MaxValue)).Count);
    }

    [Fact]
    public async Task AStoreThatLostAcknowledgedWritesGetsTheWholeHistoryBack()
    {
        var batches = Batches("2026-03-05");
        var expected = await ReferenceAsync("TEST:LOST-REF", batches);
        var grain = await fixture.DefinedAsync("TEST:LOST");
        await grain.Ingest(batches[0], live: false);
        var saved = (await fixture.MinuteBars.LoadHistoryAsync("TEST:LOST")).Stored;
        var savedBars = await fixture.MinuteBars.LoadAsync("TEST:LOST", long.MinValue, long.MaxValue);
        await grain.Ingest(batches[1], live: false);

        // The store goes back to its state after the first batch, as Redis does after a crash before its fsync.
        var now = ((await fixture.MinuteBars.LoadHistoryAsync("TEST:LOST")).Stored).Revision;
        Assert.True((await fixture.MinuteBars.Inner.RewriteAsync("TEST:LOST", savedBars, saved.Checkpoint!, now, saved.Revision)).Committed);

        // Re-sent ticks are duplicates to the grain, which still holds them; its commit notices and writes them all back.
        Assert.Equal(new IngestReport(3, 0, 0, 3, 0), await grain.Ingest(batches[1], live: false));
        var held = (await grain.GetMinuteBars(long.MinValue, long.MaxValue)).Bars;
        AssertSameBars([.. held.Take(5)], await fixture.MinuteBars.LoadAsync("TEST:LOST", long.MinValue, long.MaxValue));
        await grain.Ingest(batches[2], live: false);

        await fixture.Cluster.DeactivateAsync(grain);
        AssertSameBars(expected, (await grain.GetMinuteBars(long.MinValue, long.MaxValue)).Bars);
    }

    [Fact]
    public async Task AStoreThatLostWritesWhileItWasDownGetsThemBackFromTheGrain()
    {
        var batches = Batches("2026-03-07");
        var expected = await ReferenceAsync("TEST:DOWNLOST-REF", batches);
        var grain = await fixture.DefinedAsync("TEST:DOWNLOST");
        await grain.Ingest(batches[0], live: false);
        var saved = (await fixture.MinuteBars.LoadHistoryAsync("TEST:DOWNLOST")).Stored;
        var savedBars = await fixture.MinuteBars.LoadAsync("TEST:DOWNLOST", long.MinValue, long.MaxValue);
        await grain.Ingest(batches[1], live: false);
        var acknowledged = (await grain.GetMinuteBars(long.MinValue, long.MaxValue)).Bars;

        // Redis crashes: the next commit fails, and it comes back without the second batch, acknowledged before the crash.
        var now = ((await fixture.MinuteBars.LoadHistoryAsync("TEST:DOWNLOST")).Stored).Revision;
        Assert.True((await fixture.MinuteBars.Inner.RewriteAsync("TEST:DOWNLOST", savedBars, saved.Checkpoint!, now, saved.Revision)).Committed);
        fixture.MinuteBars.FailCommit("TEST:DOWNLOST");
        await Assert.ThrowsAsync<InstrumentUnavailableException>(() => grain.Ingest(batches[2], live: false));

        // The grain rolled back to its last commit, not to what the store holds now.
        AssertSameBars(acknowledged, (await grain.GetMinuteBars(long.MinValue, long.MaxValue)).Bars);

        // The retry is applied, and its commit finds the store behind and writes everything back.
        var retried = await grain.Ingest(batches[2], live: false);
        Assert.Equal((2, 0), (retried.Applied + retried.Amended, retried.Duplicates));
        await fixture.Cluster.DeactivateAsync(grain);
        AssertSameBars(expected, (await grain.GetMinuteBars(long.MinValue, long.MaxValue)).Bars);
    }

    [Fact]
    public async Task AnActivationThatIsNotTheLastWriterStepsDownWithoutWriting()
    {
        var grain = await fixture.DefinedAsync("TEST:STALE");
        var batches = Batches("2026-03-06");
        await grain.Ingest(batches[0], live: false);

        // Another activation (a duplicate during a membership change) commits a bar of its own.
        var stored = (await fixture.MinuteBars.LoadHistoryAsync("TEST:STALE")).Stored;
        var theirs = await ReferenceAsync("TEST:STALE-OTHER", [[.. batches[0], Buy(50, "2026-03-06T00:10:10Z", 200)]]);
        var other = stored.Revision.Next("other");
        var checkpoint = new Core.Building.BuilderCheckpoint(Us("2026-03-06T00:10:10Z"), [(1, 3), (50, 50)], theirs[^1]);
        Assert.True((await fixture.MinuteBars.Inner.CommitAsync("TEST:STALE", [.. theirs.SkipLast(1)], checkpoint, stored.Revision, other)).Committed);

        await Assert.ThrowsAsync<InstrumentUnavailableException>(() => grain.Ingest(batches[1], live: false));
        Assert.Equal(other, ((await fixture.MinuteBars.LoadHistoryAsync("TEST:STALE")).Stored).Revision);

        // The retry reaches an activation restored from the store: the other writer's tick is there, nothing is lost
        // (its later watermark makes the retried ticks late amendments, none a duplicate).
        var retried = await grain.Ingest(batches[1], live: false);
        Assert.Equal((3, 0), (retried.Applied + retried.Amended, retried.Duplicates));
        var bars = (await grain.GetMinuteBars(long.MinValue, long.MaxValue)).Bars;
        Assert.Equal(Ms("2026-03-06T00:10:00Z"), bars[^1].Candle.OpenTimeMs);
        Assert.Equal(7, bars.Sum(b => b.Candle.Trades));
    }
}
