using Candles.Core.Bars;
using Candles.Core.Building;
using Candles.Core.Composition;
using Candles.Core.Timeframes;
using FsCheck;
using FsCheck.Xunit;
using NodaTime;

namespace Candles.Core.Tests;

[Properties(Arbitrary = [typeof(TapeArbitraries)], MaxTest = 150, EndSize = 300)]
public class CompositionProperties
{
    private static readonly string[] Timeframes = ["1m", "3m", "7m", "15m", "1h", "90m", "5h", "11h", "1d", "1w", "1M"];
    private static readonly string[] Zones = ["UTC", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Santiago"];

    [Property]
    public bool EveryTimeframeComposedFromMinutesEqualsAggregatingTicksDirectly(Tape tape)
    {
        var minuteBars = Aggregate(tape.Ticks, BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc));
        foreach (var zone in Zones)
        {
            foreach (var name in Timeframes)
            {
                var schedule = TestTicks.Schedule(name, zone);
                var composed = BarComposer.Compose(minuteBars, schedule, footprintStepTicks: 1);
                var direct = Aggregate(tape.Ticks, schedule);
                if (!SameBars(direct, composed))
                {
                    throw new InvalidOperationException($"{name} in {zone}: composed bars differ from direct aggregation");
                }
            }
        }

        return true;
    }

    [Property]
    public bool GroupingByKThenByMTimesKEqualsGroupingByMTimesK(Footprint footprint, PositiveInt k, PositiveInt m)
    {
        var step = (k.Get % 50) + 1;
        var multiple = (m.Get % 20) + 1;
        var twice = footprint.GroupBy(step).GroupBy(step * multiple);
        var once = footprint.GroupBy(step * multiple);
        return twice.Levels.SequenceEqual(once.Levels) && twice.Volume == footprint.Volume;
    }

    [Property]
    public bool ArrivalOrderChangesOnlyRevisions(Tape tape, int seed)
    {
        var shuffled = tape.Ticks.ToArray();
        new Random(seed).Shuffle(shuffled);
        var schedule = BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc);
        var inOrder = Aggregate(tape.Ticks, schedule);
        var outOfOrder = Aggregate(shuffled, schedule).Select(b => b with { Candle = b.Candle with { Revision = 0 } }).ToList();
        return SameBars(inOrder, outOfOrder);
    }

    [Property]
    public bool ReplayingATapeTwiceChangesNothing(Tape tape)
    {
        var builder = new BarBuilder(BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc), new BarBuilderOptions { Retention = null });
        foreach (var tick in tape.Ticks.Concat(tape.Ticks))
        {
            builder.Update(tick);
        }

        builder.Flush();
        return SameBars(Aggregate(tape.Ticks, BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc)), builder.ClosedBars)
            && builder.Counters.Duplicates == tape.Ticks.Length;
    }

    private static List<Bar> Aggregate(IEnumerable<Ticks.Tick> ticks, BarSchedule schedule)
    {
        var builder = new BarBuilder(schedule, new BarBuilderOptions { Retention = null });
        foreach (var tick in ticks)
        {
            builder.Update(tick);
        }

        builder.Flush();
        return [.. builder.ClosedBars];
    }

    private static bool SameBars(IReadOnlyList<Bar> expected, IReadOnlyList<Bar> actual) =>
        expected.Count == actual.Count
        && expected.Zip(actual).All(pair => pair.First.Candle == pair.Second.Candle
            && pair.First.Footprint.Levels.SequenceEqual(pair.Second.Footprint.Levels));
}
