using Candles.Abstractions.Wire;
using Orleans.Concurrency;

namespace Candles.Abstractions.Grains;

/// <summary>
/// The sealer of one instrument's calendar bars in one zone, keyed <c>INSTRUMENT|ZONE</c>: follows the
/// instrument's 1m stream and seals each day whose end the watermark has passed, from its 1m bars, then each
/// finished week and month from the sealed days; re-seals what a correction touched. Idempotent: sealing
/// again changes nothing. A reminder re-checks on its own, so what the stream missed is caught up.
/// </summary>
[Alias("candles.IPeriodGrain")]
public interface IPeriodGrain : IGrainWithStringKey
{
    /// <summary>
    /// Makes sure the sealer follows its instrument's 1m stream and has a reminder; cheap when it already does.
    /// Interleaves, so an instrument may await it while its sealer is waiting on the instrument.
    /// </summary>
    [Alias("Watch"), AlwaysInterleave]
    Task Watch();

    /// <summary>
    /// The instrument is about to commit corrected minutes: check within a period, so a correction of a sealed day is
    /// re-sealed even when the stream message that carries it is lost (memory streams are not durable; a crash after
    /// the commit). Interleaves, as <see cref="Watch"/>.
    /// </summary>
    [Alias("Recheck"), AlwaysInterleave]
    Task Recheck();

    /// <summary>
    /// The instrument is about to commit a bar opening at <paramref name="barOpenMs"/>: if its day is not sealed and the
    /// sealer has not heard of it, check within a period (which learns of the day and waits for its end), so the day is
    /// sealed even if every stream message of it is lost. Returns at once when the day is known. Interleaves, as
    /// <see cref="Watch"/>.
    /// </summary>
    [Alias("HearOf"), AlwaysInterleave]
    Task HearOf(long barOpenMs);

    /// <summary>
    /// How far sealing has got, and a version that changes whenever sealed bars were written. Interleaves: a seal in
    /// progress (PostgreSQL slow to commit) is not waited for, and the answer is the state before it, which the caller's
    /// next question sees move on.
    /// </summary>
    [Alias("GetSealState"), AlwaysInterleave]
    Task<SealState> GetSealState();
}
