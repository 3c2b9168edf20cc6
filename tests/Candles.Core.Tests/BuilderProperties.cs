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

    [Property]
    public bool HoldingOldBarsPackedChangesNoOutcomeBarRevisionOrRollback(Tape tape, int seed)
    {
        // Late ticks amend and insert bars deep in the packed part; the retention drops the oldest; a revision a third of the
        // way in and a commit midway, rolled back to at the end.
        var random = new Random(seed);
        var ticks = tape.Ticks.Concat(tape.Ticks.Where(_ => random.Next(8) == 0)).Select((t, i) => (t, Key: i + random.Next(400))).OrderBy(x => x.Key).Select(x => x.t).ToList();
        var schedule = BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc);
        var retention = TimeSpan.FromHours(6);
        BarBuilder[] builders = [.. new TimeSpan?[] { null, TimeSpan.Zero, TimeSpan.FromMinutes(2) }.Select(window => new BarBuilder(schedule, new BarBuilderOptions { Retention = retention, UnpackedSpan = window }))];
        for (var i = 0; i < ticks.Count; i++)
        {
            if (i == ticks.Count / 2)
            {
                foreach (var builder in builders)
                {
                    builder.MarkCommitted();
                }
            }

            if (i == ticks.Count / 3)
            {
                // An hour before this tick revised, as a gap found in the feed does.
                var ms = ticks[i].TimeUs / 1000;
                if (builders.Select(b => b.Revise(ms - 3_600_000, ms)).Distinct().Count() != 1)
                {
                    return false;
                }
            }

            var outcomes = builders.Select(b => b.Update(ticks[i])).Distinct().Count();
            if (outcomes != 1)
            {
                return false;
            }
        }

        var reference = builders[0];
        return builders.Skip(1).All(b =>
            b.ClosedBars.SequenceEqual(reference.ClosedBars, Same)
            && b.RevisedBefore(long.MaxValue).OpenTimesMs.SequenceEqual(reference.RevisedBefore(long.MaxValue).OpenTimesMs)
            && b.RevisedBefore(long.MaxValue).Revisions.SequenceEqual(reference.RevisedBefore(long.MaxValue).Revisions)
            && b.RolledBack(null).ClosedBars.SequenceEqual(reference.RolledBack(null).ClosedBars, Same));
    }

    private static readonly EqualityComparer<Bar> Same = EqualityComparer<Bar>.Create((a, b) => PackedBarTests.BarsEqual(a!, b!));
}
