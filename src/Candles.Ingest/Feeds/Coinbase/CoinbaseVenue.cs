using System.Net;
using System.Text.Json;
using Candles.Core.Ticks;

namespace Candles.Ingest.Feeds.Coinbase;

/// <summary>
/// Coinbase Exchange: the <c>matches</c> channel, and <c>heartbeat</c> (every second for each product) for liveness and
/// for its <c>last_trade_id</c>, which shows a missed match before the next one does. <c>side</c> is the
/// maker's side, so a <c>sell</c> match was a taker buying; times are ISO 8601 with microseconds; trade ids
/// rise by one per product. Missed trades come from <c>/products/{id}/trades</c>, newest first, paged to older
/// ones with <c>after</c>; grids from <c>/products/{id}</c> (<c>quote_increment</c>, <c>base_increment</c>).
/// </summary>
public sealed class CoinbaseVenue : Venue
{
    private const int PageSize = 1000;

    public override string Name => "Coinbase";

    public override string Prefix => "COINBASE";

    public override Uri DefaultWebSocketUrl { get; } = new("wss://ws-feed.exchange.coinbase.com");

    public override Uri DefaultRestUrl { get; } = new("https://api.exchange.coinbase.com/");

    public override int MaxStreamsPerConnection => 100;

    /// <summary>10 public requests a second per IP, 15 at once.</summary>
    public override int RestRequestsPerSecond => 8;

    public override int RestBurst => 8;

    public override bool ContiguousTradeIds => true;

    public override string? NormalizeSymbol(string symbol) =>
        symbol.Length is > 2 and <= 32 && symbol.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && symbol.Contains('-') ? symbol.ToUpperInvariant() : null;

    public override IReadOnlyList<string> SubscribeMessages(IReadOnlyList<string> symbols, VenueFeedOptions options) =>
        [JsonSerializer.Serialize(new { type = "subscribe", product_ids = symbols, channels = Channels })];

    private static readonly string[] Channels = ["matches", "heartbeat"];

    public override FeedMessageKind Parse(ReadOnlyMemory<byte> message, List<VenueTrade> trades, out string? detail)
    {
        detail = null;
        if (!VenueJson.TryParse(message, out var document))
        {
            return FeedMessageKind.Malformed;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (!VenueJson.TryString(root, "type", out var type))
            {
                return FeedMessageKind.Malformed;
            }

            switch (type)
            {
                case "match" or "last_match":
                    if (Trade(root) is not { } trade)
                    {
                        return FeedMessageKind.Malformed;
                    }

                    trades.Add(trade);
                    return FeedMessageKind.Trades;
                case "heartbeat" when VenueJson.TryString(root, "product_id", out var product) && VenueJson.TryInt64(root, "last_trade_id", out var lastId)
                    && VenueJson.TryIsoTimeUs(root, "time", out var timeUs):
                    trades.Add(new VenueTrade(product, lastId, timeUs, string.Empty, string.Empty, default));
                    return FeedMessageKind.LastTrade;
                case "subscriptions" or "heartbeat":
                    return FeedMessageKind.Control;
                case "error":
                    detail = root.ToString();
                    return FeedMessageKind.VenueError;
                default:
                    return FeedMessageKind.Unknown;
            }
        }
    }

    /// <summary>A match or REST trade; <c>side</c> is the maker's, the aggressor took the other side.</summary>
    private static VenueTrade? Trade(JsonElement item, string? symbol = null)
    {
        if ((symbol is null && !VenueJson.TryString(item, "product_id", out symbol)) || !VenueJson.TryInt64(item, "trade_id", out var id)
            || !VenueJson.TryIsoTimeUs(item, "time", out var timeUs) || !VenueJson.TryString(item, "price", out var price)
            || !VenueJson.TryString(item, "size", out var size) || !VenueJson.TryString(item, "side", out var side) || side is not ("buy" or "sell"))
        {
            return null;
        }

        return new VenueTrade(symbol, id, timeUs, price, size, side == "sell" ? AggressorSide.Buy : AggressorSide.Sell);
    }

    public override async Task<IReadOnlyList<VenueInstrument>> GetInstrumentsAsync(HttpClient rest, IReadOnlyList<string> symbols, CancellationToken cancellation)
    {
        List<VenueInstrument> instruments = [];
        List<string> unknown = [];
        foreach (var symbol in symbols)
        {
            using var response = await rest.GetAsync($"products/{Uri.EscapeDataString(symbol)}", cancellation);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest)
            {
                unknown.Add(symbol);
                continue;
            }

            response.EnsureSuccessStatusCode();
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellation), cancellationToken: cancellation);
            var root = document.RootElement;
            instruments.Add(new VenueInstrument(root.GetProperty("id").GetString()!, root.GetProperty("quote_increment").GetString()!, root.GetProperty("base_increment").GetString()!));
        }

        return unknown.Count > 0 ? throw new UnknownSymbolsException(Name, unknown) : instruments;
    }

    public override async Task<TradeRange> GetTradesAsync(
        HttpClient rest, string symbol, long afterId, long? beforeId, int maxTrades, VenueFeedOptions options, CancellationToken cancellation)
    {
        // Pages go from the newest (or from beforeId) back in time, until a trade at or below afterId shows the range is covered.
        List<VenueTrade> trades = [];
        var cursor = beforeId;
        var reached = false;
        while (!reached && trades.Count < maxTrades)
        {
            var path = $"products/{Uri.EscapeDataString(symbol)}/trades?limit={PageSize}" + (cursor is { } c ? $"&after={c}" : string.Empty);
            using var response = await rest.GetAsync(path, cancellation);
            response.EnsureSuccessStatusCode();
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellation), cancellationToken: cancellation);
            var page = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                page++;
                var trade = Trade(item, symbol) ?? throw new JsonException($"Coinbase trade {item} is not as documented");
                if (trade.TradeId <= afterId)
                {
                    reached = true;
                    break;
                }

                if ((beforeId is null || trade.TradeId < beforeId) && trades.Count < maxTrades)
                {
                    trades.Add(trade);
                }

                cursor = cursor is null ? trade.TradeId : Math.Min(cursor.Value, trade.TradeId);
            }

            if (page < PageSize)
            {
                break;
            }
        }

        trades.Sort((a, b) => a.TradeId.CompareTo(b.TradeId));
        var whole = trades.Count > 0 ? trades[0].TradeId == afterId + 1 && IsConsecutive(trades) && (beforeId is null || trades[^1].TradeId == beforeId - 1) : beforeId == afterId + 1;
        return new TradeRange(trades, whole);
    }

    private static bool IsConsecutive(List<VenueTrade> trades)
    {
        for (var i = 1; i < trades.Count; i++)
        {
            if (trades[i].TradeId != trades[i - 1].TradeId + 1)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Coinbase's REST refuses requests without a User-Agent.</summary>
    public static string UserAgent => "Orleans.Candles/1.0";
}
