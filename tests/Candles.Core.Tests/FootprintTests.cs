using Candles.Core.Bars;
using Candles.Core.Building;

namespace Candles.Core.Tests;

public class FootprintTests
{
    private static Footprint Levels(params (long Price, long Buy, long Sell)[] levels)
    {
        var accumulator = new FootprintAccumulator();
        foreach (var (price, buy, sell) in levels)
        {
            accumulator.Add(price, buy, sell, 1);
        }

        return accumulator.ToFootprint();
    }

    [Fact]
    public void LevelsAreAscendingByPriceWhateverTheArrivalOrder()
    {
        var footprint = Levels((105, 1, 0), (100, 0, 2), (103, 1, 1), (100, 3, 0));
        Assert.Equal([100L, 103, 105], footprint.Levels.Select(l => l.Price));
        Assert.Equal(new PriceLevel(100, 3, 2, 2), footprint.Levels[0]);
    }

    [Fact]
    public void GroupingLabelsALevelByItsLowerEdge()
    {
        var grouped = Levels((999, 1, 0), (1000, 2, 0), (1009, 0, 4), (1010, 1, 1)).GroupBy(10);
        Assert.Equal([990L, 1000, 1010], grouped.Levels.Select(l => l.Price));
        Assert.Equal(new PriceLevel(1000, 2, 4, 2), grouped.Levels[1]);
        Assert.Equal(10, grouped.StepTicks);
    }

    [Fact]
    public void GroupingByAStepThatIsNotAMultipleIsRefused()
    {
        var grouped = Levels((100, 1, 0)).GroupBy(10);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => grouped.GroupBy(15));
        Assert.Contains("positive multiple of 10 ticks", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => grouped.GroupBy(0));
    }

    [Fact]
    public void DeltaIsBuyMinusSell()
    {
        Assert.Equal(-3, (long)Levels((100, 1, 5), (101, 2, 1)).Delta);
    }

    [Fact]
    public void PointOfControlTieGoesToTheLowerPrice()
    {
        var footprint = Levels((100, 1, 0), (101, 3, 2), (102, 0, 5), (103, 1, 1));
        Assert.Equal(101, footprint.PointOfControl!.Value.Price);
    }

    [Fact]
    public void ValueAreaGrowsTowardTheLargerNeighbourAndStopsAtSeventyPercent()
    {
        // Total 100; POC 103 (40). Below 102 has 20, above 104 has 10: take 102 (60), then 104 vs 101 (10 vs 15): 101 (75).
        var footprint = Levels((100, 5, 0), (101, 15, 0), (102, 20, 0), (103, 40, 0), (104, 10, 0), (105, 10, 0));
        Assert.Equal(new ValueArea(103, 101), footprint.ValueArea());
    }

    [Fact]
    public void ValueAreaTieBetweenNeighboursGoesAbove()
    {
        // POC 102 (50 of 100); neighbours 101 and 103 both 20: above first (70 reached).
        var footprint = Levels((100, 10, 0), (101, 20, 0), (102, 50, 0), (103, 20, 0));
        Assert.Equal(new ValueArea(103, 102), footprint.ValueArea());
    }

    [Fact]
    public void ValueAreaSkipsUntradedPricesAndUsesTheOtherSideWhenOneRunsOut()
    {
        var footprint = Levels((100, 10, 0), (150, 20, 0), (200, 60, 0));
        Assert.Equal(new ValueArea(200, 150), footprint.ValueArea());
        Assert.Equal(new ValueArea(200, 100), footprint.ValueArea(100));
    }

    [Fact]
    public void ValueAreaOfOneLevelIsThatLevel()
    {
        Assert.Equal(new ValueArea(7, 7), Levels((7, 1, 1)).ValueArea());
        Assert.Null(Footprint.Empty.ValueArea());
        Assert.Null(Footprint.Empty.PointOfControl);
    }

    [Fact]
    public void VolumeIsBuyPlusSellOverAllLevels()
    {
        var footprint = Levels((100, 1, 5), (101, 2, 1));
        Assert.Equal(9, (long)footprint.Volume);
        Assert.Equal(0, (long)Footprint.Empty.Volume);
    }

    [Fact]
    public void PointOfControlIsTheLargestLevelWhereverItLies()
    {
        Assert.Equal(100, Levels((100, 9, 0), (101, 3, 2), (102, 0, 5)).PointOfControl!.Value.Price);
        Assert.Equal(102, Levels((100, 1, 0), (101, 3, 2), (102, 0, 6)).PointOfControl!.Value.Price);
    }

    [Fact]
    public void ValueAreaStopsAsSoonAsItHoldsExactlyThePercentage()
    {
        // Total 100, POC 101 (70): the POC alone holds exactly 70 %.
        var footprint = Levels((100, 15, 0), (101, 70, 0), (102, 15, 0));
        Assert.Equal(new ValueArea(101, 101), footprint.ValueArea());
        Assert.Equal(new ValueArea(102, 101), footprint.ValueArea(71));
    }

    [Fact]
    public void ValueAreaFromALowestPointOfControlGrowsUpward()
    {
        var footprint = Levels((100, 60, 0), (150, 20, 0), (200, 10, 0), (250, 10, 0));
        Assert.Equal(new ValueArea(150, 100), footprint.ValueArea());
        Assert.Equal(new ValueArea(250, 100), footprint.ValueArea(100));
        Assert.Equal(new ValueArea(100, 100), footprint.ValueArea(1));
    }

    [Fact]
    public void ValueAreaTakesTheLargerNeighbourBelowOverASmallerOneAbove()
    {
        // POC 102 (40 of 100); below 101 has 25, above 103 has 20: take 101 (65), then 103 (85).
        var footprint = Levels((100, 15, 0), (101, 25, 0), (102, 40, 0), (103, 20, 0));
        Assert.Equal(new ValueArea(103, 101), footprint.ValueArea());
        Assert.Equal(new ValueArea(102, 101), footprint.ValueArea(65));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void AValueAreaShareOutsideOneToOneHundredPercentIsRefused(int percent) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Levels((100, 1, 0)).ValueArea(percent));

    [Fact]
    public void GroupingByTheFootprintsOwnStepChangesNothing()
    {
        var footprint = Levels((100, 1, 0), (101, 2, 3));
        Assert.Same(footprint, footprint.GroupBy(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => footprint.GroupBy(-10));
    }

    [Fact]
    public void PricesFloorToTheLowerEdgeOfTheirStep()
    {
        Assert.Equal(1000, Footprint.FloorToStep(1009, 10));
        Assert.Equal(1010, Footprint.FloorToStep(1010, 10));
        Assert.Equal(7, Footprint.FloorToStep(7, 1));
    }

    [Fact]
    public void AFootprintReadFromStorageKeepsItsLevelsAndGrid()
    {
        PriceLevel[] levels = [new(90, 1, 0, 1), new(100, 0, 2, 2), new(120, 3, 3, 4)];
        var footprint = Footprint.Create(levels, 10);
        Assert.Equal<PriceLevel>(levels, footprint.Levels);
        Assert.Equal(10, footprint.StepTicks);
        Assert.Empty(Footprint.Create([], 1).Levels);
    }

    [Fact]
    public void AnEmptyFootprintOnACoarseGridKeepsItsStep()
    {
        Assert.Equal(5, Footprint.Create([], 5).StepTicks);
        Assert.Equal(5, Footprint.Empty.GroupBy(5).StepTicks);
        Assert.Same(Footprint.Empty, Footprint.Create([], 1));
    }

    [Theory]
    [InlineData(100, 90, 1, 1)]
    [InlineData(100, 100, 1, 1)]
    [InlineData(100, 115, 1, 10)]
    [InlineData(100, 110, 0, 1)]
    [InlineData(100, 110, -1, 1)]
    public void StoredLevelsOutOfOrderOffTheGridOrUntradedAreRefused(long first, long second, long secondTrades, long step)
    {
        var error = Assert.Throws<ArgumentException>(() => Footprint.Create([new(first, 1, 0, 1), new(second, 1, 0, secondTrades)], step));
        Assert.Contains("level 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AStoredFootprintWhoseFirstLevelIsOffTheGridOrUntradedIsRefused()
    {
        Assert.Throws<ArgumentException>(() => Footprint.Create([new(101, 1, 0, 1)], 10));
        Assert.Throws<ArgumentException>(() => Footprint.Create([new(100, 1, 0, 0), new(110, 1, 0, 1)], 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => Footprint.Create([], 0));
    }
}

public class FootprintAccumulatorProperties
{
    /// <summary>Whatever the spread of prices (narrow, drifting, or wider than the dense window), levels equal a plain group-by.</summary>
    [FsCheck.Xunit.Property(MaxTest = 300, EndSize = 400)]
    public bool LevelsEqualAPlainGroupByPrice(List<(int Offset, byte Jump, bool Buy, byte Quantity)> trades, FsCheck.PositiveInt step)
    {
        var stepTicks = (step.Get % 7) + 1;
        var accumulator = new FootprintAccumulator(stepTicks);
        var added = new List<(long Price, long Buy, long Sell)>();
        long price = 1_000_000;
        for (var round = 0; round < 2; round++)
        {
            foreach (var (offset, jump, buy, quantity) in trades)
            {
                // Mostly small moves; now and then a jump far beyond the dense window, up or down.
                price = Math.Max(1, price + (jump > 240 ? offset * 100_000L : offset % 50));
                var q = quantity + 1L;
                accumulator.Add(price, buy ? q : 0, buy ? 0 : q, 1);
                added.Add((price, buy ? q : 0, buy ? 0 : q));
            }

            var expected = added.GroupBy(t => t.Price / stepTicks * stepTicks).OrderBy(g => g.Key)
                .Select(g => new PriceLevel(g.Key, g.Sum(t => t.Buy), g.Sum(t => t.Sell), g.Count()));
            if (!accumulator.ToFootprint().Levels.SequenceEqual(expected))
            {
                return false;
            }

            // A cleared accumulator starts the next bar empty.
            accumulator.Clear();
            added.Clear();
        }

        return accumulator.IsEmpty;
    }

    /// <summary>
    /// One accumulator reused bar after bar, as the builder reuses it: each bar trends up or down or wanders, now and
    /// then jumps far, and its footprint holds its own trades only, never a level left over from an earlier bar.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 200, EndSize = 300)]
    public void AnAccumulatorReusedBarAfterBarHoldsOnlyEachBarsOwnTrades(List<(sbyte Drift, List<(sbyte Move, byte Size, bool Buy)> Trades)> bars, FsCheck.PositiveInt step)
    {
        var stepTicks = (step.Get % 5) + 1;
        var accumulator = new FootprintAccumulator(stepTicks);
        long price = 50_000;
        foreach (var (drift, trades) in bars)
        {
            var added = new List<(long Price, long Buy, long Sell)>();
            foreach (var (move, size, buy) in trades)
            {
                price = Math.Max(1, price + (drift % 4) + (move % 3) + (size == 255 ? move * 1000L : 0));
                accumulator.Add(price, buy ? size : 0, buy ? 0 : size, 1);
                added.Add((price, buy ? size : 0, buy ? 0 : size));
            }

            var expected = added.GroupBy(t => t.Price / stepTicks * stepTicks).OrderBy(g => g.Key)
                .Select(g => new PriceLevel(g.Key, g.Sum(t => t.Buy), g.Sum(t => t.Sell), g.Count()));
            Assert.Equal(expected, accumulator.ToFootprint().Levels);
            Assert.Equal(trades.Count == 0, accumulator.IsEmpty);
            accumulator.Clear();
            Assert.True(accumulator.IsEmpty);
        }
    }
}

public class FootprintAccumulatorTests
{
    [Fact]
    public void LevelsFarApartInOneBarAreAllKeptInPriceOrder()
    {
        var accumulator = new FootprintAccumulator();
        long[] prices = [10_000, 10_256, 9_743, 10_255, 9_744, 14_000, 6_000, 110_000, 10_256];
        foreach (var price in prices)
        {
            accumulator.Add(price, 1, 0, 1);
        }

        var levels = accumulator.ToFootprint().Levels;
        Assert.Equal(prices.Distinct().Order(), levels.Select(l => l.Price));
        Assert.Equal(2, levels.Single(l => l.Price == 10_256).Trades);
        accumulator.Clear();
        accumulator.Add(10_000, 0, 3, 1);
        Assert.Equal<PriceLevel>([new PriceLevel(10_000, 0, 3, 1)], accumulator.ToFootprint().Levels);
    }

    [Fact]
    public void ABarSpanningMoreThanTheDenseWindowStillGroupsOnItsStep()
    {
        var accumulator = new FootprintAccumulator(stepTicks: 10);
        accumulator.Add(1_000_005, 1, 0, 1);
        accumulator.Add(1_000_009, 0, 2, 1);
        accumulator.Add(1_100_003, 4, 0, 1);
        accumulator.Add(1_000_000, 1, 1, 2);
        Assert.Equal<PriceLevel>(
            [new PriceLevel(1_000_000, 2, 3, 4), new PriceLevel(1_100_000, 4, 0, 1)],
            accumulator.ToFootprint().Levels);
        Assert.Equal(10, accumulator.ToFootprint().StepTicks);
    }

    /// <summary>
    /// Prices of a fine-tick instrument (BTC at 0.00000001 is about 6.5 × 10^12 ticks). The accumulator is reused from
    /// bar to bar; a bar opens anywhere near the previous one, runs some ticks up or down and then prints again at the
    /// end of its run or a little or far beyond it. Every bar, and a bar after it at its open, holds exactly its own trades.
    /// </summary>
    [Fact]
    public void EveryBarHoldsItsOwnTradesWhereverItOpensAndHoweverFarItRuns()
    {
        const long previous = 6_500_000_000_000;
        long[] runs = [1, 2, 200];
        long[] jumps = [0, 1, 20, 300];
        for (long open = -300; open <= 300; open++)
        {
            foreach (var direction in (long[])[1, -1])
            {
                foreach (var run in runs)
                {
                    foreach (var jump in jumps)
                    {
                        var accumulator = new FootprintAccumulator();
                        var bar = Enumerable.Range(0, (int)run).Select(i => previous + open + (direction * i)).ToList();
                        bar.Add(bar[^1] + (direction * jump));
                        HoldsExactly(accumulator, [previous]);
                        HoldsExactly(accumulator, bar);
                        HoldsExactly(accumulator, [previous + open]);
                    }
                }
            }
        }
    }

    [Fact]
    public void AWildPrintInABarOfOrdinaryPricesKeepsEveryLevel()
    {
        var accumulator = new FootprintAccumulator();
        HoldsExactly(accumulator, [6_500_000_000_000, 6_500_000_000_100, 1, 6_499_999_999_900, 6_500_000_000_000]);
        HoldsExactly(accumulator, [6_500_000_000_000, 13_000_000_000_000]);
    }

    private static void HoldsExactly(FootprintAccumulator accumulator, IReadOnlyList<long> prices)
    {
        foreach (var price in prices)
        {
            accumulator.Add(price, 1, 0, 1);
        }

        var expected = prices.GroupBy(p => p).OrderBy(g => g.Key).Select(g => new PriceLevel(g.Key, g.Count(), 0, g.Count())).ToArray();
        var levels = accumulator.ToFootprint().Levels;
        if (!levels.SequenceEqual(expected) || accumulator.IsEmpty)
        {
            Assert.Equal<PriceLevel>(expected, levels);
            Assert.False(accumulator.IsEmpty);
        }

        accumulator.Clear();
    }

    [Fact]
    public void AStepBelowOneTickIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FootprintAccumulator(stepTicks: 0));
}
