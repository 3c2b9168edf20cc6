using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Building;
using Candles.Core.Ticks;
using Candles.Grains.Hosting;
using Candles.Grains.Options;
using Candles.Storage.MinuteBars;
using Candles.Storage.Sealed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Candles.Grains;

/// <summary>
/// One instrument: a thin shell over <see cref="BarBuilder"/>. A live source's quiet minutes close on a
/// timer at wall clock minus the grace; a replay advances the watermark by event time only. Every change
/// is committed to the 1m store with the builder's checkpoint before the call returns, so an activation
/// elsewhere or after a restart carries on without losing or repeating a tick. Each commit is then pushed straight
/// to the timeframe grains that follow it for live observers (closes and corrections at once, live updates coalesced
/// to one per <see cref="SymbolGrainOptions.UpdatePeriod"/>; no stream agent's polling in a live update's path), and
/// its closes, corrections and watermark minutes go out on the instrument's 1m stream, which the sealers follow.
/// </summary>
public sealed partial class SymbolGrain(
    [PersistentState("instrument", CandlesSiloBuilderExtensions.StorageName)] IPersistentState<InstrumentState> state,
    IMinuteBarStore store,
    ISealedBarStore sealedBars,
    [FromKeyedServices(CandlesSiloBuilderExtensions.ClockKey)] TimeProvider clock,
    IOptions<SymbolGrainOptions> options,
    IOptions<SealOptions> seal,
    ILogger<SymbolGrain> logger) : Grain, ISymbolGrain
{
    private readonly SymbolGrainOptions _options = options.Value;
    private readonly HashSet<(long StartMs, long EndMs)> _unrevised = [];
    private static readonly TimeSpan LongestQuietWait = TimeSpan.FromSeconds(30);
    private TimeSpan _quietWait = TimeSpan.Zero;
    private long _quietDueMs;
    private string _id = string.Empty;
    private InstrumentBuilder _builder = null!;
    private MinuteHistory _history = null!;
    private IngestTally _tally = null!;
    private MinutePublisher _publisher = null!;
    private MinuteCommits _commits = null!;
    private InstrumentSealers _sealers = null!;
    private InstrumentRecord _record = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = this.GetPrimaryKeyString();
        var firstVersion = TimeProvider.System.GetUtcNow().UtcTicks;
        _sealers = new InstrumentSealers(GrainFactory, _id, seal.Value.AllZones, new CorrectedDayKeep(clock, 4 * seal.Value.CheckEvery), logger);
        _record = new InstrumentRecord(state, sealedBars, GrainFactory, _id, logger);
        _publisher = new MinutePublisher(_id, this.MinuteStream(_id), new MinuteFollowers(GrainFactory), firstVersion, logger);
        _history = new MinuteHistory(store, _id, logger);
        _tally = new IngestTally(_id, logger);
        _builder = new InstrumentBuilder(_history, _sealers, _record, _options, _id, logger);
        _commits = new MinuteCommits(_history, _sealers, _record, _publisher, _options.UpdatePeriod, firstVersion);

        // Redis lost (flushed, replaced)? PostgreSQL keeps the grids of every instrument with sealed bars.
        if (_record.Spec is null && await _record.FindSealedAsync(cancellationToken) is { } known)
        {
            await StartHistoryAfterSealedAsync(known.SealedThroughMs, cancellationToken);
            await DefineAsync(known.Spec);
            LogRecovered(logger, _id);
        }
        else if (_record.Spec is not null)
        {
            await _builder.RestoreAsync(cancellationToken);

            // Minutes that ended while nothing ran close now, so a sealer asking after a downtime sees them closed.
            await CloseQuietBarsAsync(cancellationToken);
        }

        // Not awaited: a sealer's reminder may be what activates this grain, and that sealer waits for the activation.
        WakeSealersAsync().Ignore();
        if (_record.Spec is not null)
        {
            await _record.ListedAsync(resting: null);
        }

        var period = _options.ScanPeriod < _options.UpdatePeriod ? _options.ScanPeriod : _options.UpdatePeriod;
        this.RegisterGrainTimer(CloseQuietBarsAsync, new GrainTimerCreationOptions(period, period) { KeepAlive = false });
    }

    /// <summary>Resting: the listing shows what it holds now, without waking it.</summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        _record?.Spec is { } spec && _builder?.Current is { } builder
            ? _record.ListedAsync(new InstrumentListing(spec, builder.FirstOpenTimeMs, builder.LastOpenTimeMs))
            : Task.CompletedTask;

    public async Task<DefineOutcome> Define(InstrumentSpec spec)
    {
        if (_record.Spec is null)
        {
            // Nothing in Redis, and the activation could not look the instrument up (PostgreSQL down then): its sealed
            // days, if it has any, still say where its history starts again, and on which grids they were sealed.
            var (known, sealedThroughMs) = await _record.SealedAsync();
            if (known is not null && !known.SameGridsAs(spec))
            {
                LogSealedOnOtherGrids(logger, _id, known.TickSize, known.QuantityStep);
                return DefineOutcome.Conflict;
            }

            await StartHistoryAfterSealedAsync(sealedThroughMs, CancellationToken.None);
        }

        var outcome = await DefineAsync(spec);
        if (outcome == DefineOutcome.Created)
        {
            // Awaited, so the sealers follow the stream before the first tick is published.
            await WakeSealersAsync();

            // Defined again after its state was lost while it rested: the listing asks it from now on.
            await _record.ListedAsync(resting: null);
        }

        return outcome;
    }

    private async Task<DefineOutcome> DefineAsync(InstrumentSpec spec)
    {
        var outcome = await _record.DefineAsync(spec);
        if (outcome == DefineOutcome.Created)
        {
            await _builder.RestoreAsync(CancellationToken.None);
        }

        return outcome;
    }

    public Task<SymbolStatus> GetStatus()
    {
        return Task.FromResult(new SymbolStatus(
            _record.Spec, _builder.Current?.WatermarkUs ?? long.MinValue, _builder.Current?.FirstOpenTimeMs, _builder.Current?.LastOpenTimeMs, _tally.Totals, _record.Live));
    }

    public async Task<IngestReport> Ingest(Tick[] ticks, bool live)
    {
        var builder = await _builder.GetAsync();
        var nowUs = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        BatchOutcome outcome;
        try
        {
            outcome = builder.Apply(ticks, nowUs, _options.MaxFutureSkew);
            if (live)
            {
                await _record.MarkLiveAsync();
                builder.Scan(LiveWatermarkUs());
            }

            _publisher.LivePending |= outcome.Applied > 0;
            await CommitAsync(checkpoint: ticks.Length > 0 || live);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Discard(ex);
        }

        return _tally.Count(ticks.Length, outcome);
    }

    public async Task<FeedPosition> GetFeedPosition() => FeedPositions.Of(await _builder.GetAsync());

    public async Task MarkIncomplete(long fromUs, long toUs)
    {
        var builder = await _builder.GetAsync();
        var span = IncompleteSpans.MinutesOf(fromUs, toUs);
        if (!await _record.MarkIncompleteAsync(fromUs, toUs) && !_unrevised.Remove(span))
        {
            return;
        }

        try
        {
            // Cached compositions follow the closed version: they must pick the new spans up even if no bar changed.
            _commits.Invalidate();
            builder.Revise(span.StartMs, span.EndMs);
            await CommitAsync(checkpoint: true, forcePublish: true);
            await _sealers.RecheckGapAsync(span.StartMs, builder);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The span is stored, its minutes' revision was rolled back: the caller's retry finds it marked, and revises them.
            _unrevised.Add(span);
            throw Discard(ex);
        }
    }

    public async Task Flush()
    {
        var builder = await _builder.GetAsync();
        try
        {
            builder.Flush();
            await CommitAsync(checkpoint: true);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Discard(ex);
        }
    }

    /// <summary>
    /// A change could not be committed. The store failed: the builder rolls back to the last commit, as if the batch
    /// never came, still holding everything acknowledged, so a store that comes back without some of it (a Redis
    /// crash before its fsync) gets it written back by the next commit. Another activation wrote: this one drops its
    /// builder and steps down. Either way the caller may retry.
    /// </summary>
    private InstrumentUnavailableException Discard(Exception failure)
    {
        _commits.Discard();
        if (failure is StaleWriterException)
        {
            _builder.Drop();
            LogStale(logger, _id, failure.Message);
            DeactivateOnIdle();
        }
        else
        {
            _builder.RollBack();
            LogCommitFailed(logger, failure, _id);
        }

        // The cause stays in this silo's log: the caller needs only to know it may retry.
        return new InstrumentUnavailableException($"instrument {_id} could not store the change and kept nothing of it; retry");
    }

    public async Task<LiveState> GetLiveState()
    {
        var builder = await _builder.GetAsync();
        return new LiveState(_commits.ClosedVersion, builder.LiveBar, builder.WatermarkUs, _publisher.Sequence, _publisher.Producer);
    }

    public async Task<BarsPage> GetMinuteBars(long fromMs, long toMs)
    {
        var builder = await _builder.GetAsync();
        return new BarsPage(builder.BarsBetween(fromMs, toMs), builder.WatermarkUs, builder.RetainedFromMs, _record.Incomplete, builder.TrimmedThroughMs);
    }

    public async Task<MinutesAtState> GetMinutesAtState(long fromMs, long toMs) => new(await GetMinuteBars(fromMs, toMs), await GetLiveState());

    public async Task<BarsPage> GetMinuteCandles(long fromMs, long toMs)
    {
        var builder = await _builder.GetAsync();
        return new BarsPage(builder.BarsBetween(fromMs, toMs, footprints: false, live: false), builder.WatermarkUs, builder.RetainedFromMs, _record.Incomplete, builder.TrimmedThroughMs);
    }

    public async Task<RevisedMinutes> GetRevisedMinutes(long toMs)
    {
        var builder = await _builder.GetAsync();
        var (openTimes, revisions) = builder.RevisedBefore(toMs);
        return new RevisedMinutes(openTimes, revisions, builder.TrimmedThroughMs);
    }

    /// <summary>
    /// The timer: closes a live source's quiet minutes and sends a live update held back by the coalescing. After a
    /// commit failed (the store down), it waits 1 s, doubling to 30 s, before it scans again: each new minute of the
    /// watermark is committed, and every quiet instrument retrying each scan would flood the store as it comes back.
    /// </summary>
    private async Task CloseQuietBarsAsync(CancellationToken cancellationToken)
    {
        if (_builder.Current is not { } builder || Environment.TickCount64 < _quietDueMs)
        {
            return;
        }

        try
        {
            if (_record.Live)
            {
                _sealers.WithKeep(builder).Scan(LiveWatermarkUs());

                // A live bar closes by the wall clock, so the grain stays until it has, even when nothing calls it
                // meanwhile. A replayed instrument's bar closes by its ticks alone: it does not hold the grain.
                if (builder.LiveEndMs is { } endMs)
                {
                    var open = TimeSpan.FromMilliseconds(endMs - clock.GetUtcNow().ToUnixTimeMilliseconds()) + _options.Grace + _options.ScanPeriod;
                    DelayDeactivation(open > TimeSpan.Zero ? open : _options.ScanPeriod);
                }
            }

            await CommitAsync(checkpoint: false, forcePublish: true);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nobody to tell: the next call restores from the store and the next scan closes the minutes again.
            Discard(ex);
            _quietWait = _quietWait == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(LongestQuietWait.Ticks, 2 * _quietWait.Ticks));
            _quietDueMs = Environment.TickCount64 + (long)_quietWait.TotalMilliseconds;
        }
    }

    private long LiveWatermarkUs() => (clock.GetUtcNow() - _options.Grace).ToUnixTimeMilliseconds() * 1000;

    private async Task CommitAsync(bool checkpoint, bool forcePublish = false)
    {
        await _commits.CommitAsync(_builder.Current!, checkpoint, forcePublish);

        // The store is back: the timer need not wait any longer.
        (_quietWait, _quietDueMs) = (TimeSpan.Zero, 0);
    }

    public Task<long> FollowMinutes(string timeframeKey)
    {
        _publisher.Follow(timeframeKey);
        return Task.FromResult(_publisher.Sequence);
    }

    public Task UnfollowMinutes(string timeframeKey)
    {
        _publisher.Unfollow(timeframeKey);
        return Task.CompletedTask;
    }

    /// <summary>Activates the sealers of every sealed zone, which then follow the 1m stream by themselves.</summary>
    private Task WakeSealersAsync() => _record.Spec is null ? Task.CompletedTask : _sealers.WakeAsync();

    /// <summary>
    /// The 1m history went with the store that held the definition: it starts again where the sealed days end (over every
    /// zone), so no day sealed whole is sealed again from the few trades that come now, and a late trade in one is
    /// refused. What it held from there until now is gone: every bar overlapping that is served as not complete. Both
    /// before the definition is stored, so a failure leaves the recovery to the next activation.
    /// </summary>
    private async Task StartHistoryAfterSealedAsync(long? sealedThroughMs, CancellationToken cancellation)
    {
        // A new instrument (no sealed day) is restored once, by its definition.
        if (sealedThroughMs is not { } endMs)
        {
            return;
        }

        await _builder.RestoreAsync(cancellation);
        if (_history.Committed is not null)
        {
            return;
        }

        await _record.MarkIncompleteAsync(endMs * 1000, clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000);
        _builder.Current!.StartAt(endMs);
        await CommitAsync(checkpoint: true);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instrument {Instrument} recovered its definition from the sealed-bar store")]
    private static partial void LogRecovered(ILogger logger, string instrument);

    [LoggerMessage(Level = LogLevel.Error, Message = "Instrument {Instrument} has sealed bars on tick {TickSize}, step {QuantityStep}; a definition with other grids is refused")]
    private static partial void LogSealedOnOtherGrids(ILogger logger, string instrument, string tickSize, string quantityStep);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not commit a change of {Instrument}; it is rolled back to the last commit")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, string instrument);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This activation of {Instrument} is stale and steps down: {Reason}")]
    private static partial void LogStale(ILogger logger, string instrument, string reason);
}
