using Candles.Core.Bars;
using Candles.Core.Building;
using Candles.Core.Timeframes;
using Candles.Storage.MinuteBars;

namespace Candles.Storage.Tests;

/// <summary>What every 1m store must do, run against each implementation (in-memory and Redis).</summary>
public abstract class MinuteBarStoreContract
{
    private const long T0 = 1_772_150_400_000;

    protected abstract IMinuteBarStore Store { get; }

    /// <summary>A fresh instrument per test, so tests sharing a store never see each other's bars.</summary>
    private readonly string _instrument = $"TEST:S{Guid.NewGuid():N}"[..20];

    private StoreRevision _revision = StoreRevision.None;

    /// <summary>A commit by one writer, over its own last revision.</summary>
    private async Task CommitAsync(IReadOnlyList<Bar> bars, BuilderCheckpoint? checkpoint)
    {
        var next = _revision.Next("writer");
        Assert.True((await Store.CommitAsync(_instrument, bars, checkpoint, _revision, next)).Committed);
        _revision = next;
    }

    internal static Bar MinuteBar(long openTimeMs, long price, int revision = 0, long volume = 5)
    {
        var candle = new Candle(new BarPeriod(openTimeMs, openTimeMs + 60_000), price, price + 2, price - 1, price + 1, volume, 3, (price * (volume + 3)) + 1, 4, 10, openTimeMs * 1000, 13, (openTimeMs * 1000) + 5, revision);
        return new Bar(candle, Footprint.Create([new PriceLevel(price - 1, 0, 3, 2), new PriceLevel(price + 2, volume, 0, 2)], 1));
    }

    private static void AssertSameBar(Bar expected, Bar actual)
    {
        Assert.Equal(expected.Candle, actual.Candle);
        Assert.Equal(expected.Footprint.Levels.ToArray(), actual.Footprint.Levels.ToArray());
        Assert.Equal(expected.Footprint.StepTicks, actual.Footprint.StepTicks);
    }

    [Fact]
    public async Task LoadReturnsBarsAscendingWithinAHalfOpenRange()
    {
        await CommitAsync([MinuteBar(T0 + 120_000, 102), MinuteBar(T0, 100), MinuteBar(T0 + 60_000, 101)], null);
        var loaded = await Store.LoadAsync(_instrument, T0 + 60_000, T0 + 120_000);
        AssertSameBar(MinuteBar(T0 + 60_000, 101), Assert.Single(loaded));
        Assert.Equal([T0, T0 + 60_000, T0 + 120_000], (await Store.LoadAsync(_instrument, long.MinValue, long.MaxValue)).Select(b => b.Candle.OpenTimeMs));
    }

    [Fact]
    public async Task ACorrectedBarReplacesTheOneWithTheSameOpenTime()
    {
        await CommitAsync([MinuteBar(T0, 100)], null);
        await CommitAsync([MinuteBar(T0, 100, revision: 1, volume: 9)], null);
        var loaded = Assert.Single(await Store.LoadAsync(_instrument, long.MinValue, long.MaxValue));
        AssertSameBar(MinuteBar(T0, 100, revision: 1, volume: 9), loaded);
    }

    [Fact]
    public async Task TrimDropsOnlyBarsOpeningBeforeTheCutoff()
    {
        await CommitAsync([MinuteBar(T0, 100), MinuteBar(T0 + 60_000, 101), MinuteBar(T0 + 120_000, 102)], null);
        await Store.TrimAsync(_instrument, T0 + 60_000);
        Assert.Equal([T0 + 60_000, T0 + 120_000], (await Store.LoadAsync(_instrument, long.MinValue, long.MaxValue)).Select(b => b.Candle.OpenTimeMs));
    }

    [Fact]
    public async Task InstrumentsAreKeptApart()
    {
        await CommitAsync([MinuteBar(T0, 100)], null);
        Assert.Empty(await Store.LoadAsync(_instrument + "X", long.MinValue, long.MaxValue));
    }

    [Fact]
    public async Task VolumesBeyondSixtyFourBitsComeBackExactly()
    {
        var huge = Int128.Parse("20000000000000000000", System.Globalization.CultureInfo.InvariantCulture);
        var bar = MinuteBar(T0, 1234);
        bar = bar with
        {
            Candle = bar.Candle with { QuoteVolume = huge, BuyVolume = huge },
            Footprint = Footprint.Create([new PriceLevel(1234, huge, 1, 3)], 1),
        };
        await CommitAsync([bar], null);
        AssertSameBar(bar, Assert.Single(await Store.LoadAsync(_instrument, long.MinValue, long.MaxValue)));
    }

    [Fact]
    public async Task TheCheckpointIsCommittedWithTheBarsAndReadBack()
    {
        Assert.Equal(StoredCheckpoint.Empty, (await Store.LoadHistoryAsync(_instrument)).Stored);
        var live = MinuteBar(T0 + 60_000, 101);
        await CommitAsync([MinuteBar(T0, 100)], new BuilderCheckpoint(123_456, [(1, 10), (12, 20)], live, T0 - 60_000, [(T0, T0 + 240_000)]));
        var checkpoint = ((await Store.LoadHistoryAsync(_instrument)).Stored).Checkpoint;
        Assert.NotNull(checkpoint);
        Assert.Equal(123_456, checkpoint.WatermarkUs);
        Assert.Equal([(1L, 10L), (12L, 20L)], checkpoint.AppliedIds);
        Assert.Equal(T0 - 60_000, checkpoint.TrimmedThroughMs);
        Assert.Equal([(T0, T0 + 240_000)], checkpoint.KeptDays!);
        AssertSameBar(live, checkpoint.Live!);
        await CommitAsync([], new BuilderCheckpoint(200_000, [(1, 21)], null));
        var last = (await Store.LoadHistoryAsync(_instrument)).Stored.Checkpoint!;
        Assert.Null(last.Live);
        Assert.Null(last.TrimmedThroughMs);
        Assert.Single(await Store.LoadAsync(_instrument, long.MinValue, long.MaxValue));
    }

    [Fact]
    public async Task ACommitIsRefusedUnlessTheStoreIsAtTheExpectedRevision()
    {
        var first = StoreRevision.None.Next("a");
        Assert.Equal(CommitResult.Done(first), await Store.CommitAsync(_instrument, [MinuteBar(T0, 100)], Checkpoint(1), StoreRevision.None, first));

        // A second activation that read nothing before the first wrote must not overwrite it.
        var refused = await Store.CommitAsync(_instrument, [MinuteBar(T0, 999)], Checkpoint(2), StoreRevision.None, StoreRevision.None.Next("b"));
        Assert.Equal(CommitResult.Conflict(first), refused);
        AssertSameBar(MinuteBar(T0, 100), Assert.Single(await Store.LoadAsync(_instrument, long.MinValue, long.MaxValue)));
        Assert.Equal(new StoredCheckpoint(Checkpoint(1), first) with { Checkpoint = null }, ((await Store.LoadHistoryAsync(_instrument)).Stored) with { Checkpoint = null });
        Assert.Equal(1, ((await Store.LoadHistoryAsync(_instrument)).Stored).Checkpoint!.WatermarkUs);

        var second = first.Next("a");
        Assert.True((await Store.CommitAsync(_instrument, [MinuteBar(T0 + 60_000, 101)], Checkpoint(3), first, second)).Committed);
        Assert.Equal(second, ((await Store.LoadHistoryAsync(_instrument)).Stored).Revision);
    }

    [Fact]
    public async Task ARewriteReplacesTheWholeHistoryOnlyOverTheExpectedRevision()
    {
        await CommitAsync([MinuteBar(T0, 100), MinuteBar(T0 + 60_000, 101), MinuteBar(T0 + 120_000, 102)], Checkpoint(1));
        var stale = await Store.RewriteAsync(_instrument, [MinuteBar(T0, 7)], Checkpoint(9), StoreRevision.None, new StoreRevision("x", 5));
        Assert.False(stale.Committed);
        Assert.Equal(3, (await Store.LoadAsync(_instrument, long.MinValue, long.MaxValue)).Count);

        var written = new StoreRevision("x", 5);
        var bars = Enumerable.Range(0, 1234).Select(i => MinuteBar(T0 + (i * 60_000L), 200 + i)).ToList();
        Assert.True((await Store.RewriteAsync(_instrument, bars, Checkpoint(42), _revision, written)).Committed);
        var loaded = await Store.LoadAsync(_instrument, long.MinValue, long.MaxValue);
        Assert.Equal(bars.Count, loaded.Count);
        AssertSameBar(bars[0], loaded[0]);
        AssertSameBar(bars[^1], loaded[^1]);
        var stored = (await Store.LoadHistoryAsync(_instrument)).Stored;
        Assert.Equal((42L, written), (stored.Checkpoint!.WatermarkUs, stored.Revision));

        Assert.True((await Store.RewriteAsync(_instrument, [], Checkpoint(43), written, written.Next("x"))).Committed);
        Assert.Empty(await Store.LoadAsync(_instrument, long.MinValue, long.MaxValue));
    }

    private static BuilderCheckpoint Checkpoint(long watermarkUs) => new(watermarkUs, [(1, watermarkUs)], null);

    [Fact]
    public async Task AHistoryReadNeverPairsOneCommitsCheckpointWithAnotherCommitsBars()
    {
        // Commit k writes bar k and a checkpoint whose watermark is k: a consistent read holds exactly the bars of its
        // checkpoint. A writer commits from the reader's first read on, while the reader reads; after every 100th commit
        // it waits until the reader has read once per 100 commits, so a busy machine cannot let it finish unread.
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = 0;
        var writer = Task.Run(async () =>
        {
            await reading.Task;
            for (var k = 1; k <= 2_000; k++)
            {
                await CommitAsync([MinuteBar(T0 + (k * 60_000L), 100 + k)], Checkpoint(k));
                while (k % 100 == 0 && Volatile.Read(ref reads) < k / 100)
                {
                    await Task.Delay(1);
                }

                await Task.Yield();
            }
        });

        var inconsistent = new List<string>();
        while (!writer.IsCompleted)
        {
            reading.TrySetResult();
            var (stored, bars) = await Store.LoadHistoryAsync(_instrument);
            Interlocked.Increment(ref reads);
            var accounted = stored.Checkpoint?.WatermarkUs ?? 0;
            if (bars.Count != accounted || (bars.Count > 0 && bars[^1].Candle.OpenTimeMs != T0 + (accounted * 60_000)))
            {
                inconsistent.Add($"checkpoint of commit {accounted} with {bars.Count} bars");
            }
        }

        await writer;
        Assert.True(reads > 10, $"only {reads} reads while the writer ran");
        Assert.Empty(inconsistent);
        var last = await Store.LoadHistoryAsync(_instrument);
        Assert.Equal((2_000L, 2_000), (last.Stored.Checkpoint!.WatermarkUs, last.Bars.Count));
        Assert.Equal(_revision, last.Stored.Revision);
    }

    [Fact]
    public async Task AnUnknownInstrumentHasNoBars() =>
        Assert.Empty(await Store.LoadAsync("TEST:NEVER", long.MinValue, long.MaxValue));
}
