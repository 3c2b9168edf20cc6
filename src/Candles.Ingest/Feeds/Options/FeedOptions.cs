namespace Candles.Ingest.Feeds;

/// <summary>
/// The exchange feeds this cluster runs: section <c>Candles:Feeds</c>, one subsection per venue
/// (<c>Candles:Feeds:Binance:Instruments=BTCUSDT,ETHUSDT</c>). <c>serve --feed binance --instruments ...</c> writes the same.
/// </summary>
public sealed class FeedOptions
{
    public const string Section = "Candles:Feeds";

    /// <summary>1: one connector per instrument in the cluster; 2: two (A/B) on different silos where there are two.</summary>
    public int Redundancy { get; set; } = 1;

    /// <summary>How often every silo makes sure each connector runs somewhere: the longest a dead silo's connector stays away past the cluster's failure detection.</summary>
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromSeconds(2);

    public VenueFeedOptions Binance { get; set; } = new();

    public VenueFeedOptions Bybit { get; set; } = new();

    public VenueFeedOptions Coinbase { get; set; } = new();

    public VenueFeedOptions Okx { get; set; } = new();

    public VenueFeedOptions For(Venue venue) => venue.Name switch
    {
        "Binance" => Binance,
        "Bybit" => Bybit,
        "Coinbase" => Coinbase,
        "Okx" => Okx,
        _ => throw new ArgumentOutOfRangeException(nameof(venue), venue.Name, "not a known venue"),
    };

    /// <summary>The venues with instruments configured.</summary>
    public IEnumerable<(Venue Venue, VenueFeedOptions Options)> Configured =>
        Venues.All.Select(v => (v, For(v))).Where(p => p.Item2.Symbols.Count > 0);
}
