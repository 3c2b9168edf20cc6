using System.Collections.Concurrent;
using Candles.Core.Bars;
using Candles.Core.Building;

namespace Candles.Storage.MinuteBars;

/// <summary>The embedded mode's store: bars in this process only, gone when it stops.</summary>
public sealed class InMemoryMinuteBarStore : IMinuteBarStore
{
    private readonly ConcurrentDictionary<string, SortedList<long, Bar>> _instruments = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BuilderCheckpoint> _checkpoints = new(StringComparer.Ordinal);

    public Task CommitAsync(string instrument, IReadOnlyList<Bar> bars, BuilderCheckpoint? checkpoint, CancellationToken cancellation = default)
    {
        var series = _instruments.GetOrAdd(instrument, _ => []);
        lock (series)
        {
            foreach (var bar in bars)
            {
                series[bar.Candle.OpenTimeMs] = bar;
            }

            if (checkpoint is not null)
            {
                _checkpoints[instrument] = checkpoint;
            }
        }

        return Task.CompletedTask;
    }

    public Task<BuilderCheckpoint?> LoadCheckpointAsync(string instrument, CancellationToken cancellation = default) =>
        Task.FromResult(_checkpoints.TryGetValue(instrument, out var checkpoint) ? checkpoint : null);

    public Task<IReadOnlyList<Bar>> LoadAsync(string instrument, long fromMs, long toMs, CancellationToken cancellation = default)
    {
        if (!_instruments.TryGetValue(instrument, out var series))
        {
            return Task.FromResult<IReadOnlyList<Bar>>([]);
        }

        lock (series)
        {
            return Task.FromResult<IReadOnlyList<Bar>>([.. series.Values.Where(b => b.Candle.OpenTimeMs >= fromMs && b.Candle.OpenTimeMs < toMs)]);
        }
    }

    public Task TrimAsync(string instrument, long beforeMs, CancellationToken cancellation = default)
    {
        if (_instruments.TryGetValue(instrument, out var series))
        {
            lock (series)
            {
                while (series.Count > 0 && series.Keys[0] < beforeMs)
                {
                    series.RemoveAt(0);
                }
            }
        }

        return Task.CompletedTask;
    }
}
