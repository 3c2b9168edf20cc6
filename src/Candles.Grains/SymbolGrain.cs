using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Building;
using Candles.Core.Ticks;
using Candles.Core.Timeframes;
using Candles.Grains.Hosting;
using Candles.Grains.Options;
using Candles.Storage.MinuteBars;
using Candles.Storage.Sealed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Candles.Grains;

/// <summary>
/// One instrument: a thin shell over <see cref="BarBuilder"/>. A live source's quiet minutes close on a
/// timer at wall clock minus the grace; a replay advances the watermark by event time only. Every change
/// is committed to the 1m store with the builder's checkpoint before the call returns, so an activation
/// elsewhere or after a restart carries on without losing or repeating a tick.
/// </summary>
public sealed partial class SymbolGrain(
    [PersistentState("instrument", CandlesSiloBuilderExtensions.StorageName)] IPersistentState<InstrumentState> state,
    IMinuteBarStore store,
    ISealedBarStore sealedBars,
    TimeProvider clock,
    IOptions<SymbolGrainOptions> options,
    IOptions<SealOptions> seal,
    ILogger<SymbolGrain> logger) : Grain, ISymbolGrain
{
    private readonly SymbolGrainOptions _options = options.Value;
    private readonly IReadOnlyList<string> _sealZones = seal.Value.AllZones;
    private readonly List<BarChange> _changes = [];
    private string _id = string.Empty;

    // Starts from the activation's clock so a new activation never repeats an old version.
    private long _closedVersion;
    private BarBuilder? _builder;
    private IngestReport _totals = IngestReport.Empty;
    private bool _live;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = this.GetPrimaryKeyString();
        _closedVersion = clock.GetUtcNow().UtcTicks;

        // Redis lost (flushed, replaced)? PostgreSQL keeps the grids of every instrument with sealed bars.
        if (state.State.Spec is null && await sealedBars.FindInstrumentAsync(_id, cancellationToken) is { } known)
        {
            await Define(new InstrumentSpec(_id, known.TickSize.ToString(), known.QuantityStep.ToString()));
            LogRecovered(logger, _id);
        }
        else if (state.State.Spec is not null)
        {
            await RestoreBuilderAsync(cancellationToken);
        }

        this.RegisterGrainTimer(CloseQuietBarsAsync, new GrainTimerCreationOptions(_options.ScanPeriod, _options.ScanPeriod) { KeepAlive = false });
    }

    public async Task<DefineOutcome> Define(InstrumentSpec spec)
    {
        if (state.State.Spec is { } existing)
        {
            return existing.SameGridsAs(spec) ? DefineOutcome.Unchanged : DefineOutcome.Conflict;
        }

        state.State.Spec = spec with { Id = _id };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IInstrumentRegistryGrain>(0).Add(_id);
        await RestoreBuilderAsync(CancellationToken.None);
        LogDefined(logger, _id, spec.TickSize, spec.QuantityStep);
        return DefineOutcome.Created;
    }

    public Task<SymbolStatus> GetStatus()
    {
        return Task.FromResult(new SymbolStatus(
            state.State.Spec, _builder?.WatermarkUs ?? long.MinValue, _builder?.FirstOpenTimeMs, _builder?.LastOpenTimeMs, _totals));
    }

    public async Task<IngestReport> Ingest(Tick[] ticks, bool live)
    {
        var builder = Builder();
        int applied = 0, amended = 0, duplicates = 0, tooOld = 0;
        foreach (var tick in ticks)
        {
            switch (builder.Update(tick))
            {
                case TickOutcome.Applied: applied++; break;
                case TickOutcome.Amended: amended++; break;
                case TickOutcome.Duplicate: duplicates++; break;
                default: tooOld++; break;
            }
        }

        if (live)
        {
            _live = true;
            builder.Scan(LiveWatermarkUs());
        }

        await CommitAsync(checkpoint: ticks.Length > 0 || live);
        var report = new IngestReport(ticks.Length, applied, amended, duplicates, tooOld);
        _totals = _totals.Add(report);
        if (tooOld > 0)
        {
            LogRefused(logger, tooOld, _id);
        }

        return report;
    }

    public async Task Flush()
    {
        Builder().Flush();
        await CommitAsync(checkpoint: true);
    }

    public Task<LiveState> GetLiveState()
    {
        var builder = Builder();
        return Task.FromResult(new LiveState(_closedVersion, builder.LiveBar, builder.WatermarkUs));
    }

    public Task<BarsPage> GetMinuteBars(long fromMs, long toMs)
    {
        var builder = Builder();
        return Task.FromResult(new BarsPage(builder.BarsBetween(fromMs, toMs), builder.WatermarkUs));
    }

    private async Task CloseQuietBarsAsync(CancellationToken cancellationToken)
    {
        if (_live && _builder is not null)
        {
            _builder.Scan(LiveWatermarkUs());
            await CommitAsync(checkpoint: false);
        }
    }

    private long LiveWatermarkUs() => (clock.GetUtcNow() - _options.Grace).ToUnixTimeMilliseconds() * 1000;

    /// <summary>
    /// Commits the bars that closed or were corrected, with the checkpoint that accounts for them; a quiet
    /// scan that changed nothing writes nothing. Bars older than the retention are trimmed as bars close.
    /// </summary>
    private async Task CommitAsync(bool checkpoint)
    {
        var builder = Builder();
        _changes.Clear();
        builder.DrainChanges(_changes);
        if (_changes.Count == 0 && !checkpoint)
        {
            return;
        }

        if (_changes.Count > 0)
        {
            _closedVersion++;
        }

        // A bar may close and be corrected in one batch: its latest version is the one to keep.
        var bars = _changes.GroupBy(c => c.Bar.Candle.OpenTimeMs).Select(g => g.Last().Bar).ToList();
        await store.CommitAsync(_id, bars, builder.Checkpoint());
        if (_changes.Any(c => c.Kind == BarChangeKind.Closed) && builder.ClosedBars.Count > 0)
        {
            await store.TrimAsync(_id, builder.ClosedBars[0].Candle.OpenTimeMs);
        }

        if (_changes.Count > 0)
        {
            // One-way: sealing runs in the sealers' own time and calls back for 1m bars, so never awaited here.
            long[] corrected = [.. _changes.Where(c => c.Kind == BarChangeKind.Corrected).Select(c => c.Bar.Candle.OpenTimeMs).Distinct()];
            foreach (var zone in _sealZones)
            {
                _ = GrainFactory.GetGrain<IPeriodGrain>(GrainKeys.Period(_id, zone)).Advance(builder.WatermarkUs, corrected);
            }
        }
    }

    private async Task RestoreBuilderAsync(CancellationToken cancellation)
    {
        var schedule = BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc);
        var options = new BarBuilderOptions { Retention = _options.Retention };
        var checkpoint = await store.LoadCheckpointAsync(_id, cancellation);
        _builder = checkpoint is null
            ? new BarBuilder(schedule, options)
            : BarBuilder.Restore(schedule, options, await store.LoadAsync(_id, long.MinValue, long.MaxValue, cancellation), checkpoint);
    }

    private BarBuilder Builder() =>
        _builder ?? throw new InvalidOperationException($"instrument {_id} is not defined");

    [LoggerMessage(Level = LogLevel.Information, Message = "Instrument {Instrument} defined: tick {TickSize}, quantity step {QuantityStep}")]
    private static partial void LogDefined(ILogger logger, string instrument, string tickSize, string quantityStep);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instrument {Instrument} recovered its definition from the sealed-bar store")]
    private static partial void LogRecovered(ILogger logger, string instrument);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} ticks of {Instrument} older than the retained history")]
    private static partial void LogRefused(ILogger logger, int count, string instrument);
}
