using Candles.Abstractions.Wire;

namespace Candles.Abstractions.Grains;

/// <summary>
/// One exchange feed connector of the cluster, keyed <c>venue/shard/replica</c> (<c>binance/0/A</c>): it runs
/// the connector on the silo it is activated on and never deactivates while that silo lives. Every silo calls
/// <see cref="Ensure"/> for every configured connector on a short period, so a dead silo's connectors are
/// activated, and connect, on a live one within the cluster's failure detection plus that period.
/// </summary>
[Alias("candles.IFeedGrain")]
public interface IFeedGrain : IGrainWithStringKey
{
    /// <summary>Runs the connector for these symbols here, or keeps running it; a changed assignment restarts it.</summary>
    [Alias("Ensure")]
    Task Ensure(FeedAssignment assignment);

    /// <summary>The connector's counts, or null when it is not running.</summary>
    [Alias("GetStatus")]
    Task<FeedStatus?> GetStatus();
}
