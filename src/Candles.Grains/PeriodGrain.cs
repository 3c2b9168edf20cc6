using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Composition;
using Candles.Core.Instruments;
using Candles.Core.Timeframes;
using Candles.Grains.Hosting;
using Candles.Grains.Options;
using Candles.Storage.Sealed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace Candles.Grains;

/// <summary>
/// Seals one instrument's daily bars in one zone from its 1m bars once the watermark passes each day's end,
/// and its weekly and monthly bars from the sealed days (weeks and months are whole local days, so they stay
/// exact long after the 1m bars are gone). Upserts throughout, so every seal is idempotent. It follows the
/// instrument's 1m stream (an explicit subscription, kept by the pub-sub store across restarts), and a reminder
/// re-checks on its own: it catches up days missed while nothing ran or the stream lost a message, and re-seals
/// days whose 1m bars were corrected.
/// <para>
/// The reminder runs only while something is left to do: a finished day to seal or re-seal, or, for a live instrument,
/// its last traded day, which ends by the clock. Until that day ends the reminder waits, so an idle instrument's grains
/// can go; when it is due it wakes the instrument, which closes its quiet minutes by the clock, and the day is sealed.
/// A reminder checking every minute regardless kept waking the instrument, whose wake-up sent a watermark minute, which
/// registered the reminder again: a live instrument's grains never rested.
/// </para>
/// </summary>
public sealed partial class PeriodGrain(
    [PersistentState("period", CandlesSiloBuilderExtensions.StorageName)] IPersistentState<PeriodState> state,
    ISealedBarStore sealedBars,
    IOptions<SealOptions> options,
    [FromKeyedServices(CandlesSiloBuilderExtensions.ClockKey)] TimeProvider clock,
    ILogger<PeriodGrain> logger) : Grain, IPeriodGrain, IRemindable
{
    private const string CheckReminder = "seal-check";

    private string _instrument = string.Empty;
    private string _zone = string.Empty;
    private BarSchedule _day = null!;
    private BarSchedule[] _longer = [];
    private Instrument? _grids;

    // Starts from the activation's wall clock, so a new activation never repeats an old version.
    private long _version;

    // When the check reminder is next due: null while none is registered (it is dropped while there is nothing left to
    // seal), the latest time when one is but this activation did not register it. And how many rechecks were asked for.
    private DateTimeOffset? _checkDueAt;
    private long _rechecks;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_instrument, _zone) = GrainKeys.ParsePeriod(this.GetPrimaryKeyString());
        _version = TimeProvider.System.GetUtcNow().UtcTicks;
        var zone = TimeZones.Find(_zone);
        _day = BarSchedule.For(Timeframe.Parse("1d"), zone);
        _longer = [BarSchedule.For(Timeframe.Parse("1w"), zone), BarSchedule.For(Timeframe.Parse("1M"), zone)];

        await this.MinuteStream(_instrument).FollowAsync(OnMinutesAsync);

        // A waiting reminder stays as it is; none is started when every traded day is sealed.
        _checkDueAt = await this.GetReminder(CheckReminder, cancellationToken) is null ? null : DateTimeOffset.MaxValue;
        if (_checkDueAt is null && (state.State.LastBarMs is null || state.State.LastBarMs >= (state.State.SealedThroughMs ?? long.MinValue)))
        {
            await RegisterCheckAsync(CheckPeriod, cancellationToken);
        }
    }

    private async Task RegisterCheckAsync(TimeSpan due, CancellationToken cancellation)
    {
        await this.RegisterOrUpdateReminder(CheckReminder, due, CheckPeriod, cancellation);
        _checkDueAt = clock.GetUtcNow() + due;
    }

    private TimeSpan CheckPeriod => options.Value.CheckEvery;

    public Task Watch() => Task.CompletedTask;

    public Task Recheck()
    {
        _rechecks++;
        return CheckSoonAsync();
    }

    /// <summary>A check within a period; one already that close is not put off (registering again moves it back).</summary>
    private Task CheckSoonAsync() =>
        _checkDueAt <= clock.GetUtcNow() + CheckPeriod ? Task.CompletedTask : RegisterCheckAsync(CheckPeriod, CancellationToken.None);

    public Task<SealState> GetSealState() => Task.FromResult(new SealState(state.State.SealedThroughMs ?? long.MinValue, _version));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _checkDueAt = clock.GetUtcNow() + CheckPeriod;
        var rechecks = _rechecks;
        var symbol = await GrainFactory.GetGrain<ISymbolGrain>(_instrument).GetStatus();
        await HeardOfAsync(symbol.LastBarMs);
        await SealAsync(symbol.WatermarkUs, [], recheck: true);

        var sealedThrough = state.State.SealedThroughMs ?? long.MinValue;
        if (symbol.WatermarkUs == long.MinValue || FinishedThrough(symbol.WatermarkUs) > sealedThrough || await this.GetReminder(CheckReminder) is not { } reminder)
        {
            return;
        }

        // A recheck asked for while this one ran may concern a correction it did not see: keep checking.
        if (_rechecks != rechecks)
        {
            return;
        }

        // Everything finished is sealed and current. A live instrument's last traded day, and the week and month holding
        // it, still end by the clock: wait for the next of them. Otherwise stop checking; the next 1m message with bars,
        // or one that finishes a day, starts it again.
        if (symbol.Live && symbol.LastBarMs is { } lastBarMs && NextEndToSeal(lastBarMs, sealedThrough) is { } endMs)
        {
            var untilEnd = TimeSpan.FromMilliseconds(endMs - clock.GetUtcNow().ToUnixTimeMilliseconds());
            await RegisterCheckAsync(untilEnd > TimeSpan.Zero ? untilEnd + CheckPeriod : CheckPeriod, CancellationToken.None);
        }
        else
        {
            await this.UnregisterReminder(reminder);
            _checkDueAt = null;
        }

        DeactivateOnIdle();
    }

    /// <summary>
    /// The earliest end, after the last seal, of the day, week or month holding the instrument's last traded minute: the
    /// next seal its trades need. Null when all three are sealed.
    /// </summary>
    private long? NextEndToSeal(long lastBarMs, long sealedThrough) =>
        _longer.Prepend(_day).Select(schedule => schedule.PeriodOf(lastBarMs).EndMs).Where(end => end > sealedThrough).Order().Cast<long?>().FirstOrDefault();

    /// <summary>
    /// Remembers that the instrument has a 1m bar as new as <paramref name="barOpenMs"/>. Written only when that puts a
    /// traded day past the last seal, which is all a later activation needs to know: once a day, not once a minute.
    /// </summary>
    private async Task HeardOfAsync(long? barOpenMs)
    {
        if (barOpenMs is not { } open || open <= (state.State.LastBarMs ?? long.MinValue))
        {
            return;
        }

        var sealedThrough = state.State.SealedThroughMs ?? long.MinValue;
        var unsealedBefore = state.State.LastBarMs is { } known && known >= sealedThrough;
        state.State.LastBarMs = open;
        if (!unsealedBefore)
        {
            await state.WriteStateAsync();
        }
    }

    /// <summary>A 1m stream message: seals what its watermark finished and re-seals the sealed days it corrected.</summary>
    private async Task OnMinutesAsync(BarEvents message, StreamSequenceToken? token)
    {
        var corrected = message.Events.Where(e => e.Kind == BarEventKind.Correction).Select(e => e.Bar.Candle.OpenTimeMs).ToArray();
        var sealedThrough = state.State.SealedThroughMs ?? long.MinValue;
        var finishes = FinishedThrough(message.WatermarkUs) > sealedThrough;
        if (message.Events.Count > 0)
        {
            await HeardOfAsync(message.Events.Max(e => e.Bar.Candle.OpenTimeMs));
        }

        // The reminder retries what this message's seal leaves undone, and comes back for the days its bars are in.
        if (_checkDueAt is null && (message.Events.Count > 0 || finishes))
        {
            await RegisterCheckAsync(CheckPeriod, CancellationToken.None);
        }

        if (!finishes && !corrected.Any(t => t < sealedThrough))
        {
            return;
        }

        try
        {
            await SealAsync(message.WatermarkUs, corrected, recheck: false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The reminder's next check seals whatever this left undone: one waiting for the day's end comes in now.
            LogSealFailed(logger, ex, _instrument, _zone);
            await CheckSoonAsync();
        }
    }

    /// <summary>Days ending at or before the watermark are finished; the day holding it is still live.</summary>
    private long FinishedThrough(long watermarkUs) =>
        watermarkUs == long.MinValue ? long.MinValue : _day.PeriodOfUs(watermarkUs).StartMs;

    private async Task SealAsync(long watermarkUs, long[] corrected, bool recheck)
    {
        var symbol = GrainFactory.GetGrain<ISymbolGrain>(_instrument);
        _grids ??= (await symbol.GetStatus()).Spec?.ToInstrument();
        if (_grids is not { } instrument || watermarkUs == long.MinValue)
        {
            return;
        }

        var finishedThrough = FinishedThrough(watermarkUs);
        var sealedThrough = state.State.SealedThroughMs ?? long.MinValue;
        var days = new Dictionary<long, Bar>();
        if (finishedThrough > sealedThrough)
        {
            var (forward, trimmedThroughMs) = await ComposeDaysAsync(symbol, sealedThrough, finishedThrough);
            Add(forward);
            if (sealedThrough > long.MinValue && trimmedThroughMs >= sealedThrough)
            {
                // The retention dropped minutes of days not sealed yet (this sealer lagged a replay, or one batch spanned
                // more than the retention): they are in neither store now, so every bar holding them is served as not
                // complete rather than as a day without trades. Marked before the seal moves past them.
                await symbol.MarkIncomplete(sealedThrough * 1000, trimmedThroughMs.Value * 1000);
            }
        }

        foreach (var open in corrected.Where(t => t < Math.Min(sealedThrough, finishedThrough)).Select(t => _day.PeriodOf(t)).Distinct())
        {
            Add((await ComposeDaysAsync(symbol, open.StartMs, open.EndMs)).Days);
        }

        if (recheck && sealedThrough > long.MinValue)
        {
            Add(await StaleSealedDaysAsync(symbol, sealedThrough));
        }

        if (days.Count > 0)
        {
            await sealedBars.UpsertAsync(instrument, Series("1d"), [.. days.Values.OrderBy(d => d.Candle.OpenTimeMs)]);
            await SealLongerPeriodsAsync(instrument, days.Keys, sealedThrough, finishedThrough);
            _version++;
            LogSealed(logger, days.Count, _instrument, _zone);
            Diagnostics.GrainMetrics.Sealed(days.Count, _zone, finishedThrough > sealedThrough ? (watermarkUs / 1000) - finishedThrough : null);
        }
        else if (finishedThrough > sealedThrough)
        {
            await SealLongerPeriodsAsync(instrument, [], sealedThrough, finishedThrough);
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

    /// <summary>
    /// The days in [fromMs, toMs) the retained 1m history holds whole, and the newest minute the retention has dropped
    /// (null: not known, and then every day opening before the retention may have lost minutes). A day the retention has
    /// cut into is never sealed or re-sealed from what is left of it: a sealer lagging a fast replay leaves it unsealed
    /// (marked incomplete), and a correction in it keeps the day sealed whole before.
    /// </summary>
    private async Task<(List<Bar> Days, long? TrimmedThroughMs)> ComposeDaysAsync(ISymbolGrain symbol, long fromMs, long toMs)
    {
        var minutes = await symbol.GetMinuteBars(fromMs, toMs);
        var trimmed = minutes.TrimmedThroughMs ?? (minutes.RetainedFromMs > long.MinValue ? minutes.RetainedFromMs - 1 : long.MinValue);
        return ([.. BarComposer.Compose(minutes.Bars, _day, footprintStepTicks: 1).Where(d => d.Candle.OpenTimeMs > trimmed)], minutes.TrimmedThroughMs);
    }

    /// <summary>
    /// Sealed days whose 1m bars have since been corrected (a higher revision), among days the instrument still holds whole.
    /// Found from the corrected minutes' revisions alone: only the stale days are composed again, so a check that
    /// finds nothing reads no footprint.
    /// </summary>
    private async Task<IEnumerable<Bar>> StaleSealedDaysAsync(ISymbolGrain symbol, long sealedThrough)
    {
        var revised = await symbol.GetRevisedMinutes(sealedThrough);
        var dayRevisions = revised.OpenTimesMs.Zip(revised.Revisions)
            .GroupBy(m => _day.PeriodOf(m.First))
            .Where(day => day.Key.StartMs > revised.TrimmedThroughMs)
            .ToDictionary(day => day.Key, day => day.Sum(m => m.Second));
        if (dayRevisions.Count == 0)
        {
            return [];
        }

        var first = dayRevisions.Keys.Min(p => p.StartMs);
        var sealedDays = (await sealedBars.LoadAsync(Series("1d"), first, sealedThrough, footprints: false)).ToDictionary(d => d.Candle.OpenTimeMs, d => d.Candle.Revision);
        List<Bar> stale = [];
        foreach (var (day, revision) in dayRevisions)
        {
            if (!sealedDays.TryGetValue(day.StartMs, out var sealedRevision) || revision > sealedRevision)
            {
                stale.AddRange((await ComposeDaysAsync(symbol, day.StartMs, day.EndMs)).Days);
            }
        }

        return stale;
    }

    /// <summary>
    /// Seals every finished week and month holding one of <paramref name="dayOpens"/>, from the sealed days; and the one
    /// holding the last day sealed before, if it finished since <paramref name="sealedThrough"/>: a week or month whose
    /// last days had no trades finishes with no day of its own to seal.
    /// </summary>
    private async Task SealLongerPeriodsAsync(Instrument instrument, IEnumerable<long> dayOpens, long sealedThrough, long finishedThrough)
    {
        foreach (var schedule in _longer)
        {
            IEnumerable<BarPeriod> justFinished = sealedThrough > long.MinValue && schedule.PeriodOf(sealedThrough - 1) is var last && last.EndMs > sealedThrough ? [last] : [];
            foreach (var period in dayOpens.Select(schedule.PeriodOf).Concat(justFinished).Distinct().Where(p => p.EndMs <= finishedThrough))
            {
                var sealedDays = await sealedBars.LoadAsync(Series("1d"), period.StartMs, period.EndMs);
                await sealedBars.UpsertAsync(instrument, Series(schedule.Timeframe.Name), BarComposer.Compose(sealedDays, schedule, footprintStepTicks: 1));
            }
        }
    }

    private SealedSeries Series(string timeframe) => new(_instrument, Timeframe.Parse(timeframe), _zone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sealing {Instrument} in {Zone} failed; the next check retries")]
    private static partial void LogSealFailed(ILogger logger, Exception exception, string instrument, string zone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sealed {Count} days of {Instrument} in {Zone}")]
    private static partial void LogSealed(ILogger logger, int count, string instrument, string zone);
}
