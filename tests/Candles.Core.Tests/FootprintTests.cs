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
        Assert.Throws<ArgumentOutOfRangeException>(() => grouped.GroupBy(15));
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
}
