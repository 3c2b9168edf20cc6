using Candles.Ingest.Feeds.Binance;
using Candles.Ingest.Feeds.Bybit;
using Candles.Ingest.Feeds.Coinbase;
using Candles.Ingest.Feeds.Okx;

namespace Candles.Ingest.Feeds;

/// <summary>The venues there are connectors for.</summary>
public static class Venues
{
    public static IReadOnlyList<Venue> All { get; } = [new BinanceVenue(), new BybitVenue(), new CoinbaseVenue(), new OkxVenue()];

    /// <summary>The venue by its name in any case (<c>binance</c>, <c>OKX</c>), or null.</summary>
    public static Venue? Find(string name) => All.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase));

    public static string Names => string.Join(", ", All.Select(v => v.Name.ToLowerInvariant()));
}
