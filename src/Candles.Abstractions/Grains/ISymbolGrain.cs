using Candles.Abstractions.Wire;
using Candles.Core.Ticks;

namespace Candles.Abstractions.Grains;

/// <summary>
/// One instrument, keyed by its id (<c>BINANCE:BTCUSDT</c>): builds the live 1m bar with its footprint and
/// keeps the retained 1m history. Ingest is idempotent by trade id.
/// </summary>
[Alias("candles.ISymbolGrain")]
public interface ISymbolGrain : IGrainWithStringKey
{
    /// <summary>Defines the instrument's grids; the same grids again is a no-op, different ones a conflict.</summary>
    [Alias("Define")]
    Task<DefineOutcome> Define(InstrumentSpec spec);

    [Alias("GetStatus")]
    Task<SymbolStatus> GetStatus();

    /// <summary>
    /// Applies ticks (prices and quantities already in the instrument's units). A live batch also advances
    /// the watermark to wall clock minus the grace; a replayed one only by event time.
    /// </summary>
    [Alias("Ingest")]
    Task<IngestReport> Ingest(Tick[] ticks, bool live);

    /// <summary>The newest trade ids it holds: where a feed connector starting anew resumes.</summary>
    [Alias("GetFeedPosition")]
    Task<FeedPosition> GetFeedPosition();

    /// <summary>
    /// Marks the minutes from the one holding <paramref name="fromUs"/> through the one holding <paramref name="toUs"/>
    /// as missing trades for good (a feed gap the venue could not fill): every bar overlapping them is served as not
    /// complete, and closed 1m bars among them go out as corrections. Idempotent.
    /// </summary>
    [Alias("MarkIncomplete")]
    Task MarkIncomplete(long fromUs, long toUs);

    /// <summary>Closes the live bar, as at the end of a replay.</summary>
    [Alias("Flush")]
    Task Flush();

    /// <summary>The version of the closed 1m bars, the live bar and the watermark: cheap, for cached compositions.</summary>
    [Alias("GetLiveState")]
    Task<LiveState> GetLiveState();

    /// <summary>1m bars with <c>fromMs &lt;= open time &lt; toMs</c>, the live one included, with the watermark.</summary>
    [Alias("GetMinuteBars")]
    Task<BarsPage> GetMinuteBars(long fromMs, long toMs);

    /// <summary><see cref="GetMinuteBars"/> and <see cref="GetLiveState"/> in one turn, so nothing commits between them.</summary>
    [Alias("GetMinutesAtState")]
    Task<MinutesAtState> GetMinutesAtState(long fromMs, long toMs);

    /// <summary>
    /// The closed minutes only (never the live one, which may have opened since the caller read the live state), and a
    /// bar may come without its footprint (<see cref="Core.Bars.Footprint.Empty"/>): for compositions of candles only,
    /// which so skip unpacking and copying the levels of old minutes and fold the live minute in themselves.
    /// </summary>
    [Alias("GetMinuteCandles")]
    Task<BarsPage> GetMinuteCandles(long fromMs, long toMs);

    /// <summary>The corrected closed 1m bars with <c>open time &lt; toMs</c>: open times and revisions, no footprints.</summary>
    [Alias("GetRevisedMinutes")]
    Task<RevisedMinutes> GetRevisedMinutes(long toMs);

    /// <summary>
    /// Pushes every 1m message to the timeframe grain <paramref name="timeframeKey"/> (<see cref="ITimeframeGrain.OnMinutes"/>)
    /// for <see cref="FollowerLease"/>; calling again renews it. Not kept across activations: followers renew well within
    /// the lease. Returns the sequence of the last message pushed, so a follower that did not get it catches up.
    /// </summary>
    [Alias("FollowMinutes")]
    Task<long> FollowMinutes(string timeframeKey);

    [Alias("UnfollowMinutes")]
    Task UnfollowMinutes(string timeframeKey);

    /// <summary>How long a timeframe stays a follower without calling <see cref="FollowMinutes"/> again.</summary>
    public static TimeSpan FollowerLease { get; } = TimeSpan.FromMinutes(2);
}
