using Orleans.Concurrency;

namespace Candles.Abstractions.Grains;

/// <summary>
/// The sealer of one instrument's calendar bars in one zone, keyed <c>INSTRUMENT|ZONE</c>: seals each day
/// whose end the watermark has passed, from its 1m bars, then each finished week and month from the sealed
/// days; re-seals what a correction touched. Idempotent: sealing again changes nothing.
/// </summary>
[Alias("candles.IPeriodGrain")]
public interface IPeriodGrain : IGrainWithStringKey
{
    /// <summary>The instrument's 1m bars changed (corrections at these open times); seal what is due. One-way: the caller never waits on sealing.</summary>
    [Alias("Advance"), OneWay]
    Task Advance(long watermarkUs, long[] changedMinuteOpenTimesMs);

    /// <summary>The end of the last sealed day, Unix ms; <see cref="long.MinValue"/> before the first seal.</summary>
    [Alias("SealedThrough")]
    Task<long> SealedThrough();
}
