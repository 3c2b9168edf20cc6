using System.Collections.Concurrent;
using Candles.Core.Instruments;
using Candles.Storage.Sealed;

namespace Candles.Grains.Tests;

/// <summary>
/// The in-memory sealed-bar store, whose next upsert of an instrument in a zone, or of one series of it, throws when a test
/// asks (PostgreSQL down). An upsert that fails writes nothing, as one transaction.
/// </summary>
public sealed class FaultySealedBarStore(InMemorySealedBarStore inner) : ISealedBarStore
{
    private readonly ConcurrentDictionary<string, bool> _failNext = new(StringComparer.Ordinal);

    public void FailNextUpsert(string instrument, string zone) => _failNext[$"{instrument}|{zone}"] = true;

    /// <summary>Fails the next upsert that writes the <paramref name="timeframe"/> bars of the instrument in the zone.</summary>
    public void FailNextUpsert(string instrument, string zone, string timeframe) => _failNext[$"{instrument}|{zone}|{timeframe}"] = true;

    /// <summary>Whether the failure asked for has happened.</summary>
    public bool Failed(string instrument, string zone) => !_failNext.ContainsKey($"{instrument}|{zone}");

    /// <summary>Whether the failure asked for one series has happened.</summary>
    public bool Failed(string instrument, string zone, string timeframe) => !_failNext.ContainsKey($"{instrument}|{zone}|{timeframe}");

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holding = new(StringComparer.Ordinal);

    /// <summary>
    /// Holds the next upsert of the instrument in the zone (PostgreSQL slow to commit) until the returned source is set;
    /// <see cref="Holding"/> says when it has begun.
    /// </summary>
    public TaskCompletionSource HoldNextUpsert(string instrument, string zone) =>
        _holds[$"{instrument}|{zone}"] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether an upsert of the instrument in the zone is being held now.</summary>
    public bool Holding(string instrument, string zone) => _holding.TryGetValue($"{instrument}|{zone}", out var release) && !release.Task.IsCompleted;

    /// <summary>Every bar written, in order, as instrument, zone, timeframe, open time and trade count.</summary>
    public ConcurrentQueue<(string Instrument, string Zone, string Timeframe, long OpenTimeMs, long Trades)> Written { get; } = new();

    public async Task UpsertAsync(Instrument instrument, IReadOnlyList<SeriesBars> series, CancellationToken cancellation = default)
    {
        foreach (var (bars, bar) in series.SelectMany(s => s.Bars.Select(b => (s, b))))
        {
            Written.Enqueue((instrument.Id.Value, bars.Series.Zone, bars.Series.Timeframe.Name, bar.Candle.OpenTimeMs, bar.Candle.Trades));
        }

        foreach (var key in series.Select(s => $"{instrument.Id.Value}|{s.Series.Zone}").Distinct())
        {
            if (_holds.TryRemove(key, out var release))
            {
                _holding[key] = release;
                await release.Task;
            }
        }

        await UpsertOrFailAsync(instrument, series, cancellation);
    }

    private Task UpsertOrFailAsync(Instrument instrument, IReadOnlyList<SeriesBars> series, CancellationToken cancellation)
    {
        var fail = false;
        foreach (var sealedSeries in series.Select(s => s.Series))
        {
            fail |= _failNext.TryRemove($"{instrument.Id.Value}|{sealedSeries.Zone}", out _);
            fail |= _failNext.TryRemove($"{instrument.Id.Value}|{sealedSeries.Zone}|{sealedSeries.Timeframe.Name}", out _);
        }

        return fail
            ? Task.FromException(new TimeoutException($"injected: sealing {instrument.Id} timed out"))
            : inner.UpsertAsync(instrument, series, cancellation);
    }

    /// <summary>Fails the next lookup of an instrument's grids (PostgreSQL down as the instrument activates).</summary>
    public void FailNextFind(string instrument) => _failNext[$"find|{instrument}"] = true;

    public Task<Instrument?> FindInstrumentAsync(string instrumentId, CancellationToken cancellation = default) =>
        _failNext.TryRemove($"find|{instrumentId}", out _)
            ? Task.FromException<Instrument?>(new TimeoutException($"injected: looking {instrumentId} up timed out"))
            : inner.FindInstrumentAsync(instrumentId, cancellation);

    public Task<long?> SealedThroughAsync(string instrumentId, CancellationToken cancellation = default) => inner.SealedThroughAsync(instrumentId, cancellation);

    public Task<IReadOnlyList<string>> ListInstrumentIdsAsync(CancellationToken cancellation = default) => inner.ListInstrumentIdsAsync(cancellation);

    public Task<SealedBars> LoadAsync(SealedSeries series, long fromMs, long toMs, bool footprints = true, CancellationToken cancellation = default) =>
        inner.LoadAsync(series, fromMs, toMs, footprints, cancellation);
}
