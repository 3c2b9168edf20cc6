using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Composition;
using Candles.Core.Timeframes;

namespace Candles.Grains;

/// <summary>One timeframe of one instrument: composes its bars from the instrument's 1m bars on request.</summary>
public sealed class TimeframeGrain : Grain, ITimeframeGrain
{
    private string _instrument = string.Empty;
    private BarSchedule? _schedule;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (instrument, timeframe, zone) = GrainKeys.ParseTimeframe(this.GetPrimaryKeyString());
        _instrument = instrument;
        _schedule = BarSchedule.For(timeframe, TimeZones.Find(zone));
        return Task.CompletedTask;
    }

    public async Task<BarsPage> GetBars(BarsQuery query)
    {
        var schedule = _schedule!;

        // Fetch whole periods of 1m bars, then keep the composed bars that open inside [from, to).
        var fetchFrom = query.HasStart ? schedule.PeriodOf(query.FromMs).StartMs : long.MinValue;
        var fetchTo = query.ToMs == long.MaxValue ? long.MaxValue : schedule.PeriodOf(query.ToMs - 1).EndMs;
        var minutes = await GrainFactory.GetGrain<ISymbolGrain>(_instrument).GetMinuteBars(fetchFrom, fetchTo);
        var composed = BarComposer.Compose(minutes.Bars, schedule, query.FootprintStepTicks);
        var inRange = composed.Where(b => b.Candle.OpenTimeMs >= query.FromMs && b.Candle.OpenTimeMs < query.ToMs).ToList();
        var page = query.HasStart ? inRange.Take(query.Limit) : inRange.Skip(Math.Max(0, inRange.Count - query.Limit));
        return new BarsPage([.. page], minutes.WatermarkUs);
    }
}
