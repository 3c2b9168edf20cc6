using Candles.Core.Ticks;
using FsCheck;
using FsCheck.Fluent;

namespace Candles.Core.Tests;

/// <summary>A random trade tape: increasing trade ids, non-decreasing times, bursts on one timestamp and long gaps.</summary>
public sealed record Tape(Tick[] Ticks)
{
    public override string ToString() =>
        Ticks.Length == 0 ? "empty tape" : $"{Ticks.Length} ticks from {Ticks[0].TimeUs} to {Ticks[^1].TimeUs}: " + string.Join(' ', Ticks.Take(12).Select(t => $"{t.TradeId}@{t.TimeUs}:{t.Price}x{t.Quantity}{t.Side}"));
}

/// <summary>FsCheck generators for tapes that cross UTC midnights, month ends and daylight-saving changes.</summary>
public static class TapeArbitraries
{
    /// <summary>Instants near which tapes start: DST changes in New York, Sydney, Santiago, a month end, a leap day.</summary>
    private static readonly long[] Anchors =
    [
        TestTicks.Us("2026-03-08T07:00:00Z"),
        TestTicks.Us("2026-11-01T06:00:00Z"),
        TestTicks.Us("2026-04-04T16:00:00Z"),
        TestTicks.Us("2026-10-03T16:00:00Z"),
        TestTicks.Us("2026-09-06T04:00:00Z"),
        TestTicks.Us("2026-03-01T00:00:00Z"),
        TestTicks.Us("2028-02-29T23:00:00Z"),
    ];

    public static Arbitrary<Tape> Tape()
    {
        var step =
            from gapUs in Gen.Frequency(
                (3, Gen.Constant(0L)),
                (6, Gen.Choose(0, 120_000).Select(ms => ms * 1000L)),
                (1, Gen.Choose(0, 3 * 24 * 3600).Select(s => s * 1_000_000L)))
            from move in Gen.Choose(-3, 3)
            from quantity in Gen.Choose(1, 1000)
            from buy in Gen.Elements(true, false)
            select (gapUs, move, quantity, buy);

        var tape =
            from anchor in Gen.Elements(Anchors)
            from minutesBefore in Gen.Choose(0, 2 * 24 * 60)
            from steps in Gen.ListOf(step)
            select Build(anchor - (minutesBefore * 60_000_000L), steps);

        return tape.ToArbitrary();
    }

    public static Arbitrary<Candles.Core.Bars.Footprint> Footprint() =>
        Gen.ListOf(
                from price in Gen.Choose(1, 5000)
                from buy in Gen.Choose(0, 100)
                from sell in Gen.Choose(0, 100)
                select (price, buy, sell))
            .Select(levels =>
            {
                var accumulator = new Building.FootprintAccumulator();
                foreach (var (price, buy, sell) in levels)
                {
                    accumulator.Add(price, buy, sell, 1);
                }

                return accumulator.ToFootprint();
            })
            .ToArbitrary();

    private static Tape Build(long startUs, IEnumerable<(long GapUs, int Move, int Quantity, bool Buy)> steps)
    {
        var ticks = new List<Tick>();
        var time = startUs;
        long price = 100_000;
        long id = 1_000;
        foreach (var (gapUs, move, quantity, buy) in steps)
        {
            time += gapUs;
            price = Math.Max(1, price + move);
            ticks.Add(new Tick(id++, time, price, quantity, buy ? AggressorSide.Buy : AggressorSide.Sell));
        }

        return new Tape([.. ticks]);
    }
}
