using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Building;
using Candles.Core.Ticks;
using Candles.Core.Timeframes;
using Candles.Grains.Hosting;
using Candles.Grains.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Candles.Grains;

/// <summary>
/// One instrument: a thin shell over <see cref="BarBuilder"/>. A live source's quiet minutes close on a
/// timer at wall clock minus the grace; a replay advances the watermark by event time only.
/// </summary>
public sealed partial class SymbolGrain(
    [PersistentState("instrument", CandlesSiloBuilderExtensions.StorageName)] IPersistentState<InstrumentState> state,
    TimeProvider clock,
    IOptions<SymbolGrainOptions> options,
    ILogger<SymbolGrain> logger) : Grain, ISymbolGrain
{
    private readonly SymbolGrainOptions _options = options.Value;
    private readonly List<BarChange> _changes = [];
    private string _id = string.Empty;
    private BarBuilder? _builder;
    private IngestReport _totals = IngestReport.Empty;
    private bool _live;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = this.GetPrimaryKeyString();
        if (state.State.Spec is not null)
        {
            StartBuilder();
        }

        this.RegisterGrainTimer(CloseQuietBarsAsync, new GrainTimerCreationOptions(_options.ScanPeriod, _options.ScanPeriod) { KeepAlive = false });
        return Task.CompletedTask;
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
        StartBuilder();
        LogDefined(logger, _id, spec.TickSize, spec.QuantityStep);
        return DefineOutcome.Created;
    }

    public Task<SymbolStatus> GetStatus()
    {
        var bars = _builder?.BarsBetween(long.MinValue, long.MaxValue);
        return Task.FromResult(new SymbolStatus(
            state.State.Spec,
            _builder?.WatermarkUs ?? long.MinValue,
            bars is { Count: > 0 } ? bars[0].Candle.OpenTimeMs : null,
            bars is { Count: > 0 } ? bars[^1].Candle.OpenTimeMs : null,
            _totals));
    }

    public Task<IngestReport> Ingest(Tick[] ticks, bool live)
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

        PublishChanges();
        var report = new IngestReport(ticks.Length, applied, amended, duplicates, tooOld);
        _totals = _totals.Add(report);
        if (tooOld > 0)
        {
            LogRefused(logger, tooOld, _id);
        }

        return Task.FromResult(report);
    }

    public Task Flush()
    {
        Builder().Flush();
        PublishChanges();
        return Task.CompletedTask;
    }

    public Task<BarsPage> GetMinuteBars(long fromMs, long toMs)
    {
        var builder = Builder();
        return Task.FromResult(new BarsPage(builder.BarsBetween(fromMs, toMs), builder.WatermarkUs));
    }

    private Task CloseQuietBarsAsync(CancellationToken cancellationToken)
    {
        if (_live && _builder is not null)
        {
            _builder.Scan(LiveWatermarkUs());
            PublishChanges();
        }

        return Task.CompletedTask;
    }

    private long LiveWatermarkUs() => (clock.GetUtcNow() - _options.Grace).ToUnixTimeMilliseconds() * 1000;

    /// <summary>Closes and corrections leave the builder here; the streams and the 1m store take them from this point.</summary>
    private void PublishChanges()
    {
        _changes.Clear();
        _builder?.DrainChanges(_changes);
    }

    private void StartBuilder() =>
        _builder = new BarBuilder(BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc), new BarBuilderOptions { Retention = _options.Retention });

    private BarBuilder Builder() =>
        _builder ?? throw new InvalidOperationException($"instrument {_id} is not defined");

    [LoggerMessage(Level = LogLevel.Information, Message = "Instrument {Instrument} defined: tick {TickSize}, quantity step {QuantityStep}")]
    private static partial void LogDefined(ILogger logger, string instrument, string tickSize, string quantityStep);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} ticks of {Instrument} older than the retained history")]
    private static partial void LogRefused(ILogger logger, int count, string instrument);
}
