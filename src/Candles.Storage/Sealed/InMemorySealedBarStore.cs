using System.Collections.Concurrent;
using Candles.Core.Bars;
using Candles.Core.Instruments;
using Candles.Storage.Encoding;

namespace Candles.Storage.Sealed;

/// <summary>The embedded mode's sealed bars: in this process only, packed (<see cref="PackedBar"/>): a month's footprint has thousands of levels.</summary>
public sealed class InMemorySealedBarStore : ISealedBarStore
{
    private readonly ConcurrentDictionary<SealedSeries, SortedList<long, byte[]>> _series = new();

    /// <summary>The open times of each series' bars sealed as partial; read and written under the lock of its list.</summary>
    private readonly ConcurrentDictionary<SealedSeries, HashSet<long>> _partial = new();
    private readonly ConcurrentDictionary<string, Instrument> _instruments = new(StringComparer.Ordinal);

    public Task<Instrument?> FindInstrumentAsync(string instrumentId, CancellationToken cancellation = default) =>
        Task.FromResult(_instruments.TryGetValue(instrumentId, out var instrument) ? instrument : null);

    public Task<long?> SealedThroughAsync(string instrumentId, CancellationToken cancellation = default)
    {
        long? end = null;
        foreach (var (series, list) in _series)
        {
            if (series.Instrument != instrumentId || series.Timeframe.Name != "1d")
            {
                continue;
            }

            lock (list)
            {
                if (list.Count > 0 && PackedBar.Unpack(list.Values[^1], footprint: false).Candle.Period.EndMs is var last && (end is null || last > end))
                {
                    end = last;
                }
            }
        }

        return Task.FromResult(end);
    }

    public Task<IReadOnlyList<string>> ListInstrumentIdsAsync(CancellationToken cancellation = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. _instruments.Keys.Order(StringComparer.Ordinal)]);

    public Task UpsertAsync(Instrument instrument, IReadOnlyList<SeriesBars> series, CancellationToken cancellation = default)
    {
        // Packed first: nothing is stored unless all of it can be.
        var packed = series.Select(s => (s.Series, Bars: s.Bars.Select(b => (b.Candle.OpenTimeMs, b.Candle.Revision, Packed: PackedBar.Pack(b), Partial: s.IsPartial(b))).ToList())).ToList();
        var stored = _instruments.GetOrAdd(instrument.Id.Value, instrument);
        if (stored.TickSize != instrument.TickSize || stored.QuantityStep != instrument.QuantityStep)
        {
            throw new InvalidOperationException(
                $"{instrument.Id.Value} has sealed bars on tick {stored.TickSize}, step {stored.QuantityStep}; bars on tick {instrument.TickSize}, step {instrument.QuantityStep} are not stored beside them");
        }

        foreach (var (key, bars) in packed)
        {
            var partial = _partial.GetOrAdd(key, _ => []);
            var list = _series.GetOrAdd(key, _ => []);
            lock (list)
            {
                foreach (var (openTimeMs, revision, bytes, isPartial) in bars)
                {
                    if (!list.TryGetValue(openTimeMs, out var sealedBar) || PackedBar.Unpack(sealedBar, footprint: false).Candle.Revision <= revision)
                    {
                        list[openTimeMs] = bytes;
                    }

                    if (isPartial)
                    {
                        partial.Add(openTimeMs); // the newer revision kept is partial too: the gap was in its minutes as well
                    }
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<SealedBars> LoadAsync(SealedSeries series, long fromMs, long toMs, bool footprints = true, CancellationToken cancellation = default)
    {
        if (!_series.TryGetValue(series, out var list))
        {
            return Task.FromResult(SealedBars.None);
        }

        lock (list)
        {
            var bars = PackedSeries.Between(list, fromMs, toMs, footprints);
            var partial = _partial.TryGetValue(series, out var all) ? all.Where(t => t >= fromMs && t < toMs).ToHashSet() : [];
            return Task.FromResult(new SealedBars(bars, partial));
        }
    }
}
