using Candles.Abstractions.Grains;
using Candles.Core.Bars;
using Candles.Core.Composition;
using Candles.Core.Instruments;
using Candles.Core.Timeframes;
using Candles.Grains.Hosting;
using Candles.Grains.Options;
using Candles.Storage.Sealed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Candles.Grains;

/// <summary>
/// Seals one instrument's daily bars in one zone from its 1m bars once the watermark passes each day's end,
/// and its weekly and monthly bars from the sealed days (weeks and months are whole local days, so they stay
/// exact long after the 1m bars are gone). Upserts throughout, so every seal is idempotent. A reminder re-checks
/// on its own: it catches up days missed while nothing ran and re-seals days whose 1m bars were corrected.
/// </summary>
public sealed partial class PeriodGrain(
    [PersistentState("period", CandlesSiloBuilderExtensions.StorageName)] IPersistentState<PeriodState> state,
    ISealedBarStore sealedBars,
    IOptions<SealOptions> options,
    ILogger<PeriodGrain> logger) : Grain, IPeriodGrain, IRemindable
{
    private const string CheckReminder = "seal-check";

    private string _instrument = string.Empty;
    private string _zone = string.Empty;
    private BarSchedule _day = null!;
    private BarSchedule[] _longer = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_instrument, _zone) = GrainKeys.ParsePeriod(this.GetPrimaryKeyString());
        var zone = TimeZones.Find(_zone);
        _day = BarSchedule.For(Timeframe.Parse("1d"), zone);
        _longer = [BarSchedule.For(Timeframe.Parse("1w"), zone), BarSchedule.For(Timeframe.Parse("1M"), zone)];
        var period = options.Value.CheckPeriod < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : options.Value.CheckPeriod;
        await this.RegisterOrUpdateReminder(CheckReminder, period, period, cancellationToken);
    }

    public Task Advance(long watermarkUs, long[] changedMinuteOpenTimesMs) => SealAsync(watermarkUs, changedMinuteOpenTimesMs, recheck: false);

    public Task<long> SealedThrough() => Task.FromResult(state.State.SealedThroughMs ?? long.MinValue);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var symbol = await GrainFactory.GetGrain<ISymbolGrain>(_instrument).GetStatus();
        await SealAsync(symbol.WatermarkUs, [], recheck: true);
    }

    private async Task SealAsync(long watermarkUs, long[] corrected, bool recheck)
    {
        var symbol = GrainFactory.GetGrain<ISymbolGrain>(_instrument);
        var spec = (await symbol.GetStatus()).Spec;
        if (spec is null || watermarkUs == long.MinValue)
        {
            return;
        }

        // Days ending at or before the watermark are finished; the day holding it is still live.
        var finishedThrough = _day.PeriodOf(Math.DivRem(watermarkUs, 1000, out var us) - (us < 0 ? 1 : 0)).StartMs;
        var sealedThrough = state.State.SealedThroughMs ?? long.MinValue;
        var days = new Dictionary<long, Bar>();
        if (finishedThrough > sealedThrough)
        {
            Add(await ComposeDaysAsync(symbol, sealedThrough, finishedThrough));
        }

        foreach (var open in corrected.Where(t => t < Math.Min(sealedThrough, finishedThrough)).Select(t => _day.PeriodOf(t)).Distinct())
        {
            Add(await ComposeDaysAsync(symbol, open.StartMs, open.EndMs));
        }

        if (recheck && sealedThrough > long.MinValue)
        {
            Add(await StaleSealedDaysAsync(symbol, sealedThrough));
        }

        var instrument = spec.ToInstrument();
        if (days.Count > 0)
        {
            await sealedBars.UpsertAsync(instrument, Series("1d"), [.. days.Values.OrderBy(d => d.Candle.OpenTimeMs)]);
            await SealLongerPeriodsAsync(instrument, days.Keys, finishedThrough);
            LogSealed(logger, days.Count, _instrument, _zone);
        }

        if (finishedThrough > sealedThrough)
        {
            state.State.SealedThroughMs = finishedThrough;
            await state.WriteStateAsync();
        }

        void Add(IEnumerable<Bar> bars)
        {
            foreach (var bar in bars)
            {
                days[bar.Candle.OpenTimeMs] = bar;
            }
        }
    }

    private async Task<List<Bar>> ComposeDaysAsync(ISymbolGrain symbol, long fromMs, long toMs)
    {
        var minutes = await symbol.GetMinuteBars(fromMs, toMs);
        return BarComposer.Compose(minutes.Bars, _day, footprintStepTicks: 1);
    }

    /// <summary>Sealed days whose 1m bars have since been corrected (a higher revision), among days still wholly retained.</summary>
    private async Task<IEnumerable<Bar>> StaleSealedDaysAsync(ISymbolGrain symbol, long sealedThrough)
    {
        var minutes = (await symbol.GetMinuteBars(long.MinValue, sealedThrough)).Bars;
        if (minutes.Count == 0)
        {
            return [];
        }

        var firstWholeDay = _day.PeriodOf(minutes[0].Candle.OpenTimeMs).EndMs;
        var composed = BarComposer.Compose(minutes.Where(m => m.Candle.OpenTimeMs >= firstWholeDay), _day, footprintStepTicks: 1);
        if (composed.Count == 0)
        {
            return [];
        }

        var sealedDays = (await sealedBars.LoadAsync(Series("1d"), firstWholeDay, sealedThrough, footprints: false)).ToDictionary(d => d.Candle.OpenTimeMs, d => d.Candle.Revision);
        return composed.Where(d => !sealedDays.TryGetValue(d.Candle.OpenTimeMs, out var revision) || d.Candle.Revision > revision);
    }

    /// <summary>Seals every finished week and month holding one of <paramref name="dayOpens"/>, from the sealed days.</summary>
    private async Task SealLongerPeriodsAsync(Instrument instrument, IEnumerable<long> dayOpens, long finishedThrough)
    {
        foreach (var schedule in _longer)
        {
            foreach (var period in dayOpens.Select(schedule.PeriodOf).Distinct().Where(p => p.EndMs <= finishedThrough))
            {
                var sealedDays = await sealedBars.LoadAsync(Series("1d"), period.StartMs, period.EndMs);
                await sealedBars.UpsertAsync(instrument, Series(schedule.Timeframe.Name), BarComposer.Compose(sealedDays, schedule, footprintStepTicks: 1));
            }
        }
    }

    private SealedSeries Series(string timeframe) => new(_instrument, Timeframe.Parse(timeframe), _zone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sealed {Count} days of {Instrument} in {Zone}")]
    private static partial void LogSealed(ILogger logger, int count, string instrument, string zone);
}
