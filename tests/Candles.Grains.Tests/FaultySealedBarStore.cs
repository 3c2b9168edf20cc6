using System.Collections.Concurrent;
using Candles.Core.Bars;
using Candles.Core.Instruments;
using Candles.Storage.Sealed;

namespace Candles.Grains.Tests;

/// <summary>The in-memory sealed-bar store, whose next upsert of an instrument in a zone throws when a test asks (PostgreSQL down).</summary>
public sealed class FaultySealedBarStore(InMemorySealedBarStore inner) : ISealedBarStore
{
    private readonly ConcurrentDictionary<string, bool> _failNextUpsert = new(StringComparer.Ordinal);

    public void FailNextUpsert(string instrument, string zone) => _failNextUpsert[$"{instrument}|{zone}"] = true;

    /// <summary>Whether the failure asked for has happened.</summary>
    public bool Failed(string instrument, string zone) => !_failNextUpsert.ContainsKey($"{instrument}|{zone}");

    public Task UpsertAsync(Instrument instrument, SealedSeries series, IReadOnlyList<Bar> bars, CancellationToken cancellation = default) =>
        _failNextUpsert.TryRemove($"{instrument.Id.Value}|{series.Zone}", out _)
            ? Task.FromException(new TimeoutException($"injected: sealing {instrument.Id} timed out"))
            : inner.UpsertAsync(instrument, series, bars, cancellation);

    public Task<Instrument?> FindInstrumentAsync(string instrumentId, CancellationToken cancellation = default) => inner.FindInstrumentAsync(instrumentId, cancellation);

    public Task<IReadOnlyList<string>> ListInstrumentIdsAsync(CancellationToken cancellation = default) => inner.ListInstrumentIdsAsync(cancellation);

    public Task<IReadOnlyList<Bar>> LoadAsync(SealedSeries series, long fromMs, long toMs, bool footprints = true, CancellationToken cancellation = default) =>
        inner.LoadAsync(series, fromMs, toMs, footprints, cancellation);
}
