using Candles.Core.Bars;
using Candles.Core.Instruments;

namespace Candles.Storage.Sealed;

/// <summary>
/// Finished daily, weekly and monthly bars with their footprints: the permanent record. Sealing is an upsert
/// by open time, so sealing a period twice, or again after a correction, leaves exactly one bar.
/// </summary>
public interface ISealedBarStore
{
    /// <summary>
    /// Seals bars of one or more series of an instrument, all of them or none: a day is sealed with the week and month
    /// holding it. A bar replaces the one sealed at its open time unless that one has a higher revision (sealed from newer
    /// minutes by another activation of the sealer, while two were up). A bar sealed as partial stays partial when sealed
    /// again: a gap in its trades is never filled once known, and the 1m history that said so may since have been lost.
    /// </summary>
    Task UpsertAsync(Instrument instrument, IReadOnlyList<SeriesBars> series, CancellationToken cancellation = default);

    /// <summary>Seals bars of one series, as <see cref="UpsertAsync(Instrument, IReadOnlyList{SeriesBars}, CancellationToken)"/>.</summary>
    Task UpsertAsync(Instrument instrument, SealedSeries series, IReadOnlyList<Bar> bars, CancellationToken cancellation = default) =>
        UpsertAsync(instrument, [new SeriesBars(series, bars)], cancellation);

    /// <summary>The grids of an instrument that has sealed bars, or null: the permanent record of its definition.</summary>
    Task<Instrument?> FindInstrumentAsync(string instrumentId, CancellationToken cancellation = default);

    /// <summary>When the instrument's latest sealed day ends, over every zone (Unix ms); null when none is sealed.</summary>
    Task<long?> SealedThroughAsync(string instrumentId, CancellationToken cancellation = default);

    /// <summary>The ids of every instrument with sealed bars, ascending.</summary>
    Task<IReadOnlyList<string>> ListInstrumentIdsAsync(CancellationToken cancellation = default);

    /// <summary>Sealed bars with <c>fromMs &lt;= open time &lt; toMs</c>, ascending, with those sealed as partial; without footprints unless asked.</summary>
    Task<SealedBars> LoadAsync(SealedSeries series, long fromMs, long toMs, bool footprints = true, CancellationToken cancellation = default);
}
