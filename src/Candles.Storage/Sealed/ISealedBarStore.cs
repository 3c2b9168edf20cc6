using Candles.Core.Bars;
using Candles.Core.Instruments;

namespace Candles.Storage.Sealed;

/// <summary>
/// Finished daily, weekly and monthly bars with their footprints: the permanent record. Sealing is an upsert
/// by open time, so sealing a period twice, or again after a correction, leaves exactly one bar.
/// </summary>
public interface ISealedBarStore
{
    Task UpsertAsync(Instrument instrument, SealedSeries series, IReadOnlyList<Bar> bars, CancellationToken cancellation = default);

    /// <summary>The grids of an instrument that has sealed bars, or null: the permanent record of its definition.</summary>
    Task<Instrument?> FindInstrumentAsync(string instrumentId, CancellationToken cancellation = default);

    /// <summary>The ids of every instrument with sealed bars, ascending.</summary>
    Task<IReadOnlyList<string>> ListInstrumentIdsAsync(CancellationToken cancellation = default);

    /// <summary>Sealed bars with <c>fromMs &lt;= open time &lt; toMs</c>, ascending; without footprints unless asked.</summary>
    Task<IReadOnlyList<Bar>> LoadAsync(SealedSeries series, long fromMs, long toMs, bool footprints = true, CancellationToken cancellation = default);
}
