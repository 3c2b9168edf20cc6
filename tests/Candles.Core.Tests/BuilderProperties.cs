using Candles.Core.Bars;
using Candles.Core.Building;
using Candles.Core.Timeframes;
using FsCheck.Xunit;
using NodaTime;

namespace Candles.Core.Tests;

[Properties(Arbitrary = [typeof(TapeArbitraries)], MaxTest = 150, EndSize = 300)]
public class BuilderProperties
{
    [Property]
    public bool WithoutFootprintsABuilderGivesTheSameCandlesAndOnlyEmptyFootprints(Tape tape, int seed)
    {
        // Some ticks late and some twice, as a replay with gaps filled afterwards would send them.
        var random = new Random(seed);
        var ticks = tape.Ticks.Concat(tape.Ticks.Where(_ => random.Next(8) == 0)).Select((t, i) => (t, Key: i + random.Next(40))).OrderBy(x => x.Key).Select(x => x.t);
        var schedule = BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc);
        var full = new BarBuilder(schedule, new BarBuilderOptions { Retention = null });
        var candlesOnly = new BarBuilder(schedule, new BarBuilderOptions { Retention = null, Footprints = false });
        foreach (var tick in ticks)
        {
            if (full.Update(tick) != candlesOnly.Update(tick))
            {
                return false;
            }
        }

        full.Flush();
        candlesOnly.Flush();
        return full.ClosedBars.Select(b => b.Candle).SequenceEqual(candlesOnly.ClosedBars.Select(b => b.Candle))
            && candlesOnly.ClosedBars.All(b => ReferenceEquals(b.Footprint, Footprint.Empty))
            && full.ClosedBars.All(b => b.Footprint.Levels.Length > 0);
    }
}
