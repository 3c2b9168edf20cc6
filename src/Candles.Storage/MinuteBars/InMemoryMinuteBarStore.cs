using System.Collections.Concurrent;
using Candles.Core.Bars;
using Candles.Core.Building;
using Candles.Storage.Encoding;

namespace Candles.Storage.MinuteBars;

/// <summary>The embedded mode's store: bars in this process only (packed, <see cref="PackedBar"/>), gone when it stops.</summary>
public sealed class InMemoryMinuteBarStore : IMinuteBarStore
{
    private readonly ConcurrentDictionary<string, Series> _instruments = new(StringComparer.Ordinal);

    public Task<CommitResult> CommitAsync(
        string instrument, IReadOnlyList<Bar> bars, BuilderCheckpoint? checkpoint, StoreRevision expected, StoreRevision written, CancellationToken cancellation = default)
    {
        var series = _instruments.GetOrAdd(instrument, _ => new Series());
        lock (series)
        {
            if (series.Revision != expected)
            {
                return Task.FromResult(CommitResult.Conflict(series.Revision));
            }

            foreach (var bar in bars)
            {
                series.Bars[bar.Candle.OpenTimeMs] = PackedBar.Pack(bar);
            }

            series.Checkpoint = checkpoint ?? series.Checkpoint;
            series.Revision = written;
            return Task.FromResult(CommitResult.Done(written));
        }
    }

    public Task<CommitResult> RewriteAsync(
        string instrument, IReadOnlyList<Bar> bars, BuilderCheckpoint checkpoint, StoreRevision expected, StoreRevision written, CancellationToken cancellation = default)
    {
        var series = _instruments.GetOrAdd(instrument, _ => new Series());
        lock (series)
        {
            if (series.Revision != expected)
            {
                return Task.FromResult(CommitResult.Conflict(series.Revision));
            }

            series.Bars.Clear();
            foreach (var bar in bars)
            {
                series.Bars[bar.Candle.OpenTimeMs] = PackedBar.Pack(bar);
            }

            (series.Checkpoint, series.Revision) = (checkpoint, written);
            return Task.FromResult(CommitResult.Done(written));
        }
    }

    public Task<IReadOnlyList<Bar>> LoadAsync(string instrument, long fromMs, long toMs, CancellationToken cancellation = default)
    {
        if (!_instruments.TryGetValue(instrument, out var series))
        {
            return Task.FromResult<IReadOnlyList<Bar>>([]);
        }

        lock (series)
        {
            return Task.FromResult<IReadOnlyList<Bar>>(PackedSeries.Between(series.Bars, fromMs, toMs));
        }
    }

    public Task<StoredHistory> LoadHistoryAsync(string instrument, CancellationToken cancellation = default)
    {
        if (!_instruments.TryGetValue(instrument, out var series))
        {
            return Task.FromResult(new StoredHistory(StoredCheckpoint.Empty, []));
        }

        lock (series)
        {
            return Task.FromResult(new StoredHistory(
                new StoredCheckpoint(series.Checkpoint, series.Revision), PackedSeries.Between(series.Bars, long.MinValue, long.MaxValue)));
        }
    }

    public Task TrimAsync(string instrument, long beforeMs, CancellationToken cancellation = default)
    {
        if (_instruments.TryGetValue(instrument, out var series))
        {
            lock (series)
            {
                while (series.Bars.Count > 0 && series.Bars.Keys[0] < beforeMs)
                {
                    series.Bars.RemoveAt(0);
                }
            }
        }

        return Task.CompletedTask;
    }

    private sealed class Series
    {
        /// <summary>The bars by open time, packed: this store holds an instrument's whole retention.</summary>
        public SortedList<long, byte[]> Bars { get; } = [];

        public BuilderCheckpoint? Checkpoint { get; set; }

        public StoreRevision Revision { get; set; } = StoreRevision.None;
    }
}
