using System.Collections.Concurrent;
using Candles.Core.Bars;
using Candles.Core.Instruments;

namespace Candles.Storage.Sealed;

/// <summary>The embedded mode's sealed bars: in this process only.</summary>
public sealed class InMemorySealedBarStore : ISealedBarStore
{
    private readonly ConcurrentDictionary<SealedSeries, SortedList<long, Bar>> _series = new();

    public Task UpsertAsync(Instrument instrument, SealedSeries series, IReadOnlyList<Bar> bars, CancellationToken cancellation = default)
    {
        var list = _series.GetOrAdd(series, _ => []);
        lock (list)
        {
            foreach (var bar in bars)
            {
                list[bar.Candle.OpenTimeMs] = bar;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Bar>> LoadAsync(SealedSeries series, long fromMs, long toMs, CancellationToken cancellation = default)
    {
        if (!_series.TryGetValue(series, out var list))
        {
            return Task.FromResult<IReadOnlyList<Bar>>([]);
        }

        lock (list)
        {
            return Task.FromResult<IReadOnlyList<Bar>>([.. list.Values.Where(b => b.Candle.OpenTimeMs >= fromMs && b.Candle.OpenTimeMs < toMs)]);
        }
    }
}
