using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;
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
    private string _instrument = string.Empty;
    private string _zone = string.Empty;
    private ISymbolGrain _symbol = null!;
    private DaySealer _days = null!;

    // Starts from the activation's wall clock, so a new activation never repeats an old version.
    private long _version;

    private SealChecks _checks = null!;

    // The watermark of the last whole commit heard of on the stream: a minute closing in a day finished before it was
    // closed again. From the seal at activation (the watermark had passed it).
    private long _committedWatermarkUs = long.MinValue;

    // How many rechecks were asked for.
    private long _rechecks;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_instrument, _zone) = GrainKeys.ParsePeriod(this.GetPrimaryKeyString());
        _version = TimeProvider.System.GetUtcNow().UtcTicks;
        _symbol = GrainFactory.GetGrain<ISymbolGrain>(_instrument);
        _days = new DaySealer(sealedBars, _symbol, _instrument, _zone, logger)
        {
            LostThroughMs = state.State.LostThroughMs ?? long.MinValue,
            KeepLostAsync = lost =>
            {
                var kept = state.State.LostThroughMs;
                return state.WriteChangeAsync(s => s.LostThroughMs = lost, s => s.LostThroughMs = kept);
            },
        };
        _checks = new SealChecks(this, clock, options.Value.CheckEvery);
        _committedWatermarkUs = state.State.SealedThroughMs is { } sealedThroughMs ? sealedThroughMs * 1000 : long.MinValue;

        await this.MinuteStream(_instrument).FollowAsync(OnMinutesAsync);

        // A waiting reminder stays as it is; none is started when every traded day is sealed.
        if (!await _checks.FindAsync(cancellationToken) && (state.State.LastBarMs is null || state.State.LastBarMs >= (state.State.SealedThroughMs ?? long.MinValue)))
        {
            await _checks.RegisterAsync(_checks.Period, cancellationToken);
        }
    }

    public Task Watch() => Task.CompletedTask;

    public Task Recheck()
    {
        _rechecks++;
        return _checks.SoonAsync();
    }

    /// <summary>
    /// Known: a bar of that day or later was heard of, and a check is registered (one that failed to register after the
    /// bar was heard of leaves the day known to no check). A day sealed needs nothing either.
    /// </summary>
    public Task HearOf(long barOpenMs)
    {
        var dayStartMs = _days.DayStartMs(barOpenMs);
        var known = _checks.DueAt is not null && state.State.LastBarMs is { } lastBarMs && _days.DayStartMs(lastBarMs) >= dayStartMs;
        return known || dayStartMs < (state.State.SealedThroughMs ?? long.MinValue) ? Task.CompletedTask : Recheck();
    }

    public Task<SealState> GetSealState() => Task.FromResult(new SealState(state.State.SealedThroughMs ?? long.MinValue, _version));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _checks.Came();
        var rechecks = _rechecks;
        var symbol = await _symbol.GetStatus();
        await HeardOfAsync(symbol.LastBarMs);
        await SealAsync(symbol.WatermarkUs, [], recheck: true);

        var sealedThrough = state.State.SealedThroughMs ?? long.MinValue;
        if (symbol.WatermarkUs == long.MinValue || _days.FinishedThrough(symbol.WatermarkUs) > sealedThrough || await _checks.GetAsync() is not { } reminder)
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
        if (symbol.Live && symbol.LastBarMs is { } lastBarMs && _days.NextEndToSeal(lastBarMs, sealedThrough) is { } endMs)
        {
            await _checks.RegisterAsync(_checks.DueAfter(endMs));
        }
        else
        {
            await _checks.StopAsync(reminder);
        }

        // A recheck asked for during those calls found a check due within a period and left it at that: it still is.
        if (_rechecks != rechecks)
        {
            await _checks.RegisterAsync(_checks.Period);
            return;
        }

        DeactivateOnIdle();
    }

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
        var before = state.State.LastBarMs;
        if (before is { } known && known >= sealedThrough)
        {
            state.State.LastBarMs = open;
        }
        else
        {
            await state.WriteChangeAsync(s => s.LastBarMs = open, s => s.LastBarMs = before);
        }
    }

    /// <summary>
    /// A 1m stream message: seals what its watermark finished and re-seals the sealed days it corrected. A minute that
    /// closes in a day sealed and finished before its commit was closed again: its instrument lost what it had written
    /// (Redis lost acknowledged writes) and got trades again, which are no correction to it; that day is re-sealed if
    /// it now holds all it was sealed with.
    /// </summary>
    private async Task OnMinutesAsync(BarEvents message, StreamSequenceToken? token)
    {
        var sealedThrough = state.State.SealedThroughMs ?? long.MinValue;
        var corrected = message.Events.Where(e => e.Kind == BarEventKind.Correction).Select(e => e.Bar.Candle.OpenTimeMs).ToArray();
        var closedBefore = Math.Min(sealedThrough, _days.FinishedThrough(_committedWatermarkUs));
        var closedAgain = message.Events.Where(e => e.Kind == BarEventKind.Close && e.Bar.Candle.OpenTimeMs < closedBefore).Select(e => e.Bar.Candle.OpenTimeMs).ToArray();
        if (message.EndsCommit)
        {
            _committedWatermarkUs = Math.Max(_committedWatermarkUs, message.WatermarkUs);
        }
        var finishes = _days.FinishedThrough(message.WatermarkUs) > sealedThrough;
        if (message.Events.Count > 0)
        {
            await HeardOfAsync(message.Events.Max(e => e.Bar.Candle.OpenTimeMs));
        }

        // The reminder retries what this message's seal leaves undone, and comes back for the days its bars are in. One
        // waiting for a later end (the week or month of a day sealed before) is brought forward to the new day's end: a
        // quiet instrument's grains may rest until then, and nothing else would finish that day.
        if (_checks.DueAt is null && (message.Events.Count > 0 || finishes))
        {
            await _checks.RegisterAsync(_checks.Period);
        }
        else if (message.Events.Count > 0 && state.State.LastBarMs is { } lastBarMs && _days.NextEndToSeal(lastBarMs, sealedThrough) is { } endMs
            && _checks.DueAt - (clock.GetUtcNow() + _checks.DueAfter(endMs)) > _checks.Period)
        {
            // One an earlier activation registered (when it is due is not known here) is made a check within a period,
            // which then waits for the end itself: a check it had due soon is not put off.
            await _checks.RegisterAsync(_checks.DueAt == DateTimeOffset.MaxValue ? _checks.Period : _checks.DueAfter(endMs));
        }

        if (!finishes && !corrected.Any(t => t < sealedThrough) && closedAgain.Length == 0)
        {
            return;
        }

        try
        {
            await SealAsync(message.WatermarkUs, corrected, recheck: false, closedAgain);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The reminder's next check seals whatever this left undone: one waiting for the day's end comes in now.
            LogSealFailed(logger, ex, _instrument, _zone);
            await _checks.SoonAsync();
        }
    }

    /// <summary>Seals what the watermark finished and re-seals what was corrected or closed again; the seal moves past the finished days.</summary>
    private async Task SealAsync(long watermarkUs, long[] corrected, bool recheck, long[]? closedAgain = null)
    {
        var sealedThrough = state.State.SealedThroughMs ?? long.MinValue;
        if (await _days.SealAsync(watermarkUs, corrected, recheck, sealedThrough, closedAgain ?? []) is not { } written)
        {
            return;
        }

        // A week or month written alone (finished with no new day) changes what the caches hold sealed, as a day does.
        if (written > 0)
        {
            _version++;
        }

        var finishedThrough = _days.FinishedThrough(watermarkUs);
        if (finishedThrough > sealedThrough)
        {
            state.State.SealedThroughMs = finishedThrough;
            state.State.LostThroughMs = _days.LostThroughMs == long.MinValue ? null : _days.LostThroughMs;
            await state.WriteStateAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sealing {Instrument} in {Zone} failed; the next check retries")]
    private static partial void LogSealFailed(ILogger logger, Exception exception, string instrument, string zone);
}
