using Candles.Core.Bars;
using Candles.Core.Building;
using Candles.Core.Timeframes;
using FsCheck.Xunit;
using NodaTime;

namespace Candles.Core.Tests;

public class PackedBarTests
{
    [Property(MaxTest = 500)]
    public bool AnyBarUnpacksToItselfWhateverItsNumbers(
        long start, long length, long open, long high, long low, long close, long buyHigh, ulong buyLow, long sell, long quoteHigh,
        long trades, long firstId, long lastId, long firstUs, long lastUs, int revision, long step, long[] prices, long[] volumes, byte shift)
    {
        // Every field at any 64- or 128-bit magnitude, even one no real bar has (FsCheck's numbers are small, so each is
        // shifted left by up to 63 bits): packing never bends a number, and differences that wrap around unwrap exactly.
        long Wide(long value, int by) => value << ((shift + by) % 64);
        var quote = ((Int128)Wide(quoteHigh, 1) << 64) | (ulong)Wide(trades, 2);
        var candle = new Candle(
            new BarPeriod(Wide(start, 3), Wide(start, 3) + Wide(length, 4)), Wide(open, 5), Wide(high, 6), Wide(low, 7), Wide(close, 8),
            ((Int128)Wide(buyHigh, 9) << 64) | buyLow, Wide(sell, 10), quote, Wide(trades, 11), Wide(firstId, 12), Wide(firstUs, 13),
            Wide(lastId, 14), Wide(lastUs, 15), revision);
        var levels = prices.Select((price, i) => new PriceLevel(
            Wide(price, i), volumes.Length == 0 ? 0 : (Int128)Wide(volumes[i % volumes.Length], i) << (i % 70), -i, Wide(i + 1, i))).ToArray();
        return RoundTrips(new Bar(candle, Footprint.FromSortedLevels(levels, Wide(step, 16))));
    }

    [Fact]
    public void TheExtremesOfEveryFieldUnpackToThemselves()
    {
        Int128[] volumes = [Int128.MinValue, Int128.MaxValue, (Int128)long.MinValue - 1, (Int128)ulong.MaxValue + 1, 0];
        long[] longs = [long.MinValue, long.MaxValue, -1, 0];
        foreach (var a in longs)
        {
            foreach (var v in volumes)
            {
                var candle = new Candle(new BarPeriod(a, -a), a, -a, a, long.MaxValue, v, -v, v, a, a, -a, long.MinValue, a, int.MinValue);
                Assert.True(RoundTrips(new Bar(candle, Footprint.FromSortedLevels([new PriceLevel(a, v, v, a), new PriceLevel(-a, -v, 0, long.MaxValue)], a))));
            }
        }
    }

    private static bool RoundTrips(Bar bar)
    {
        var packed = PackedBar.Pack(bar);
        var unpacked = PackedBar.Unpack(packed);
        var candleOnly = PackedBar.Unpack(packed, footprint: false);

        var footprint = PackedBar.UnpackFootprint(PackedBar.PackFootprint(bar.Footprint, bar.Candle.Low), bar.Candle.Low);

        return BarsEqual(unpacked, bar) && candleOnly.Candle == bar.Candle && ReferenceEquals(candleOnly.Footprint, Footprint.Empty)
            && footprint.StepTicks == bar.Footprint.StepTicks && footprint.Levels.SequenceEqual(bar.Footprint.Levels);
    }

    [Fact]
    public void AGoldenMinutePacksIntoAFractionOfItsObjects()
    {
        var bars = GoldenLibraryTests.GoldenMinutes();
        var packed = bars.Sum(bar => (long)PackedBar.Pack(bar).Length);
        var levels = bars.Sum(bar => (long)bar.Footprint.Levels.Length);

        // As objects a minute is a Candle (160 bytes), a Bar and a Footprint (32 each) and 48 bytes a level.
        var asObjects = (bars.Count * (160 + 32 + 32 + 24)) + (levels * 48);
        Assert.True(packed * 4 < asObjects, $"{bars.Count} minutes pack into {packed} bytes against {asObjects} as objects");
        Assert.Equal(bars, bars.Select(bar => PackedBar.Unpack(PackedBar.Pack(bar))), BarsEqual);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    public void TruncatedOrOverlongBytesAreRefusedNotMisread(int cut)
    {
        var bar = GoldenLibraryTests.GoldenMinutes()[100];
        var bytes = PackedBar.Pack(bar);

        Assert.Throws<FormatException>(() => PackedBar.Unpack(bytes.AsSpan(0, bytes.Length - 1 - cut)));
        Assert.Throws<FormatException>(() => PackedBar.Unpack([.. bytes, 0]));
        Assert.Throws<FormatException>(() => PackedBar.Unpack([.. Enumerable.Repeat((byte)0xFF, 11 + cut)]));
        var footprint = PackedBar.PackFootprint(bar.Footprint, bar.Candle.Low);
        Assert.Throws<FormatException>(() => PackedBar.UnpackFootprint(footprint.AsSpan(0, footprint.Length - 1 - cut), bar.Candle.Low));
        Assert.Throws<FormatException>(() => PackedBar.UnpackFootprint([.. footprint, 0], bar.Candle.Low));
    }

    [Fact]
    public void ABuilderHoldsOnlyItsNewestBarsAsObjectsAndReadsTheOthersUnchanged()
    {
        var ticks = GoldenLibraryTests.GoldenTicks().Take(40_000).ToList();
        var schedule = BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc);
        var objects = new BarBuilder(schedule, new BarBuilderOptions { Retention = null, UnpackedSpan = null });
        var packed = new BarBuilder(schedule, new BarBuilderOptions { Retention = null, UnpackedSpan = TimeSpan.FromMinutes(3) });
        foreach (var tick in ticks)
        {
            objects.Update(tick);
            packed.Update(tick);
        }

        Assert.True(packed.ClosedBars.Count > 100);
        Assert.Equal(objects.ClosedBars, packed.ClosedBars, BarsEqual);

        // Reads of an old bar are fresh objects (unpacked each time), of a bar within 3 minutes of the newest the same object.
        var newest = packed.ClosedBars[^1].Candle.OpenTimeMs;
        for (var i = 0; i < packed.ClosedBars.Count; i++)
        {
            Assert.Equal(packed.ClosedBars[i].Candle.OpenTimeMs >= newest - 180_000, ReferenceEquals(packed.ClosedBars[i], packed.ClosedBars[i]));
        }

        Assert.Same(objects.ClosedBars[0], objects.ClosedBars[0]);

        // Candles only (the live bar last): the same candles; packed bars without their levels, the newest as they are.
        var candles = packed.BarsBetween(long.MinValue, long.MaxValue, footprints: false);
        Assert.Equal(objects.BarsBetween(long.MinValue, long.MaxValue).Select(b => b.Candle), candles.Select(b => b.Candle));
        Assert.All(candles, b => Assert.Equal(b.Candle.OpenTimeMs < newest - 180_000, ReferenceEquals(b.Footprint, Footprint.Empty)));
    }

    [Fact]
    public void ALateTickKeepsAnOldBarPackedAndARecentOneAnObject()
    {
        var builder = new BarBuilder(TestTicks.Schedule("1m"), new BarBuilderOptions { Retention = null, UnpackedSpan = TimeSpan.FromMinutes(30) });
        for (var m = 0; m < 120; m += 2)
        {
            builder.Update(TestTicks.Buy(m + 1, $"2026-03-01T{10 + (m / 60):00}:{m % 60:00}:00Z", 100));
        }

        builder.Flush();
        var count = builder.ClosedBars.Count;

        // Late ticks: one into an old minute, one into an old gap (a bar inserted), one into a recent gap.
        builder.Update(TestTicks.Sell(1_000, "2026-03-01T10:02:30Z", 99));
        builder.Update(TestTicks.Sell(1_001, "2026-03-01T10:05:30Z", 98));
        builder.Update(TestTicks.Sell(1_002, "2026-03-01T11:55:30Z", 97));

        Assert.Equal(count + 2, builder.ClosedBars.Count);
        var newest = builder.ClosedBars[^1].Candle.OpenTimeMs;
        for (var i = 0; i < builder.ClosedBars.Count; i++)
        {
            var bar = builder.ClosedBars[i];
            Assert.Equal(bar.Candle.OpenTimeMs >= newest - (30 * 60_000), ReferenceEquals(bar, builder.ClosedBars[i]));
        }

        Assert.Equal([2L, 1, 1], new[] { "10:02", "10:05", "11:55" }.Select(t => builder.ClosedBars.Single(b => b.Candle.OpenTimeMs == TestTicks.Ms($"2026-03-01T{t}:00Z")).Footprint.Levels.Sum(l => l.Trades)));
    }

    internal static bool BarsEqual(Bar a, Bar b) =>
        a.Candle == b.Candle && a.Footprint.StepTicks == b.Footprint.StepTicks && a.Footprint.Levels.SequenceEqual(b.Footprint.Levels);
}
