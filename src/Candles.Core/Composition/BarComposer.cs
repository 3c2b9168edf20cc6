using Candles.Core.Bars;
using Candles.Core.Building;
using Candles.Core.Timeframes;

namespace Candles.Core.Composition;

/// <summary>
/// Composes bars of any timeframe from shorter bars (1m): OHLC from the first and last trade, volumes and
/// trade counts summed, footprints merged onto one price grid. Because bars only exist where trades do and
/// every 1m bar lies inside exactly one longer bar, the result equals aggregating the ticks directly.
/// </summary>
public static class BarComposer
{
    /// <summary>
    /// Composes <paramref name="bars"/> (ascending by open time) onto <paramref name="schedule"/>. With
    /// <paramref name="footprintStepTicks"/> null the footprints are skipped (left empty); otherwise they are
    /// merged on a grid of that many ticks, which must be a multiple of the input footprints' step.
    /// </summary>
    public static List<Bar> Compose(IEnumerable<Bar> bars, BarSchedule schedule, long? footprintStepTicks)
    {
        var composed = new List<Bar>();
        var candle = default(CandleAccumulator);
        var footprint = footprintStepTicks is { } step ? new FootprintAccumulator(step) : null;
        var period = new BarPeriod(long.MinValue, long.MinValue);
        var previousStart = long.MinValue;
        foreach (var bar in bars)
        {
            var part = bar.Candle.Period;
            if (part.StartMs <= previousStart)
            {
                throw new ArgumentException("bars must be ascending by open time, one per period", nameof(bars));
            }

            previousStart = part.StartMs;
            if (!period.Contains(part.StartMs))
            {
                Emit();
                period = schedule.PeriodOf(part.StartMs);
            }

            if (part.EndMs > period.EndMs)
            {
                throw new ArgumentException($"a bar [{part.StartMs}, {part.EndMs}) does not fit inside one {schedule.Timeframe} bar", nameof(bars));
            }

            candle.Add(bar.Candle);
            footprint?.Add(bar.Footprint);
        }

        Emit();
        return composed;

        void Emit()
        {
            if (candle.IsEmpty)
            {
                return;
            }

            composed.Add(new Bar(candle.ToCandle(period), footprint?.ToFootprint() ?? Footprint.Empty));
            candle = default;
            footprint?.Clear();
        }
    }
}
