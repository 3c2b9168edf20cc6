using Candles.Core.Bars;
using Candles.Core.Instruments;
using Candles.Core.Timeframes;
using Microsoft.EntityFrameworkCore;

namespace Candles.Storage.Sealed.Postgres;

/// <summary>
/// Sealed bars in PostgreSQL through EF Core. Sealing replaces the bars of the same open times (and their
/// levels, by cascade) of every series it writes in one transaction, so a re-seal after a correction leaves exactly one
/// version, and a day is never stored without the week and month holding it.
/// </summary>
public sealed class PostgresSealedBarStore(IDbContextFactory<CandlesDbContext> contexts, TimeProvider clock) : ISealedBarStore
{
    public async Task UpsertAsync(Instrument instrument, IReadOnlyList<SeriesBars> series, CancellationToken cancellation = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellation);

        // One seal of an instrument at a time, until the commit: another sealer's newer revision cannot land between
        // this one's read of the revisions and its replace (row locks do not cover a row deleted and inserted again).
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({instrument.Id.Value}))", cancellation);
        var grids = await db.Instruments.FindAsync([instrument.Id.Value], cancellation);
        var (tickSize, quantityStep) = (ToDecimal(instrument.TickSize), ToDecimal(instrument.QuantityStep));
        if (grids is null)
        {
            db.Instruments.Add(new InstrumentRow { Id = instrument.Id.Value, TickSize = tickSize, QuantityStep = quantityStep });
        }
        else if (grids.TickSize != tickSize || grids.QuantityStep != quantityStep)
        {
            // Bars in other units beside the ones stored would be read on the stored grids, ten times off or worse.
            throw new InvalidOperationException(
                $"{instrument.Id.Value} has sealed bars on tick {grids.TickSize}, step {grids.QuantityStep}; bars on tick {tickSize}, step {quantityStep} are not stored beside them");
        }

        var now = clock.GetUtcNow();
        foreach (var part in series)
        {
            var (sealedSeries, bars) = (part.Series, part.Bars);
            var timeframe = sealedSeries.Timeframe.Name;
            var rows = db.SealedBars.Where(b => b.Instrument == sealedSeries.Instrument && b.Timeframe == timeframe && b.Zone == sealedSeries.Zone);
            var opens = bars.Select(b => b.Candle.OpenTimeMs).ToList();
            var sealedBefore = await rows.AsNoTracking().Where(b => opens.Contains(b.OpenTime)).ToDictionaryAsync(b => b.OpenTime, b => (b.Revision, b.Complete), cancellation);
            var replacing = bars.Where(b => !sealedBefore.TryGetValue(b.Candle.OpenTimeMs, out var before) || before.Revision <= b.Candle.Revision).ToList();
            var replaced = replacing.Select(b => b.Candle.OpenTimeMs).ToList();
            await rows.Where(b => replaced.Contains(b.OpenTime)).ExecuteDeleteAsync(cancellation);
            db.SealedBars.AddRange(replacing.Select(bar =>
            {
                var complete = !part.IsPartial(bar) && (!sealedBefore.TryGetValue(bar.Candle.OpenTimeMs, out var before) || before.Complete);
                return ToRow(sealedSeries, bar, complete, now);
            }));

            // A partial bar not stored for a newer revision: that revision is partial too, the gap was in its minutes as well.
            var partialKept = bars.Where(part.IsPartial).Select(b => b.Candle.OpenTimeMs).Except(replaced).ToList();
            if (partialKept.Count > 0)
            {
                await rows.Where(b => partialKept.Contains(b.OpenTime)).ExecuteUpdateAsync(u => u.SetProperty(b => b.Complete, false), cancellation);
            }
        }

        await db.SaveChangesAsync(cancellation);
        await transaction.CommitAsync(cancellation);
    }

    public async Task<Instrument?> FindInstrumentAsync(string instrumentId, CancellationToken cancellation = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        var row = await db.Instruments.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instrumentId, cancellation);
        return row is null ? null : new Instrument(
            InstrumentId.Parse(row.Id),
            Increment.Parse(row.TickSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Increment.Parse(row.QuantityStep.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    public async Task<long?> SealedThroughAsync(string instrumentId, CancellationToken cancellation = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        return await db.SealedBars.AsNoTracking().Where(b => b.Instrument == instrumentId && b.Timeframe == "1d").MaxAsync(b => (long?)b.EndTime, cancellation);
    }

    public async Task<IReadOnlyList<string>> ListInstrumentIdsAsync(CancellationToken cancellation = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        var ids = await db.Instruments.AsNoTracking().Select(i => i.Id).ToListAsync(cancellation);
        return [.. ids.Order(StringComparer.Ordinal)];
    }

    public async Task<SealedBars> LoadAsync(SealedSeries series, long fromMs, long toMs, bool footprints = true, CancellationToken cancellation = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        var timeframe = series.Timeframe.Name;
        var query = db.SealedBars.AsNoTracking()
            .Where(b => b.Instrument == series.Instrument && b.Timeframe == timeframe && b.Zone == series.Zone && b.OpenTime >= fromMs && b.OpenTime < toMs);
        List<SealedBarRow> rows;
        if (footprints)
        {
            // The bars and their levels are two statements: read in one snapshot, a re-seal committed between them cannot
            // pair one seal's candle with the next one's levels.
            await using var snapshot = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellation);
            rows = await query.Include(b => b.Levels).OrderBy(b => b.OpenTime).AsSplitQuery().ToListAsync(cancellation);
            await snapshot.CommitAsync(cancellation);
        }
        else
        {
            rows = await query.OrderBy(b => b.OpenTime).ToListAsync(cancellation);
        }

        return new SealedBars([.. rows.Select(ToBar)], rows.Where(r => !r.Complete).Select(r => r.OpenTime).ToHashSet());
    }

    private static decimal ToDecimal(Increment increment) => decimal.Parse(increment.ToString(), System.Globalization.CultureInfo.InvariantCulture);

    private static SealedBarRow ToRow(SealedSeries series, Bar bar, bool complete, DateTimeOffset sealedAt)
    {
        var c = bar.Candle;
        return new SealedBarRow
        {
            Instrument = series.Instrument,
            Timeframe = series.Timeframe.Name,
            Zone = series.Zone,
            OpenTime = c.Period.StartMs,
            EndTime = c.Period.EndMs,
            Open = c.Open,
            High = c.High,
            Low = c.Low,
            Close = c.Close,
            BuyVolume = c.BuyVolume,
            SellVolume = c.SellVolume,
            QuoteVolume = c.QuoteVolume,
            Trades = c.Trades,
            FirstTradeId = c.FirstTradeId,
            FirstTradeTimeUs = c.FirstTradeTimeUs,
            LastTradeId = c.LastTradeId,
            LastTradeTimeUs = c.LastTradeTimeUs,
            Revision = c.Revision,
            FootprintStep = bar.Footprint.StepTicks,
            Complete = complete,
            SealedAt = sealedAt,
            Levels = [.. bar.Footprint.Levels.Select(l => new SealedLevelRow
            {
                Instrument = series.Instrument,
                Timeframe = series.Timeframe.Name,
                Zone = series.Zone,
                OpenTime = c.Period.StartMs,
                Price = l.Price,
                BuyVolume = l.BuyVolume,
                SellVolume = l.SellVolume,
                Trades = l.Trades,
            })],
        };
    }

    private static Bar ToBar(SealedBarRow r) => new(
        new Candle(
            new BarPeriod(r.OpenTime, r.EndTime), r.Open, r.High, r.Low, r.Close, r.BuyVolume, r.SellVolume, r.QuoteVolume, r.Trades,
            r.FirstTradeId, r.FirstTradeTimeUs, r.LastTradeId, r.LastTradeTimeUs, r.Revision),
        Footprint.Create([.. r.Levels.OrderBy(l => l.Price).Select(l => new PriceLevel(l.Price, l.BuyVolume, l.SellVolume, l.Trades))], r.FootprintStep));
}
