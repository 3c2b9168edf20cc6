using System.Globalization;
using System.Text;
using System.Text.Json;
using Candles.Core.Ticks;

namespace Candles.Ingest.Feeds.Okx;

/// <summary>
/// OKX v5 spot. The <c>trades</c> channel aggregates the fills of one taker order under its last trade id
/// (with <c>count</c>), while REST history lists fills one by one, so the two cannot be reconciled by trade id:
/// the connector takes <c>trades-all</c> (one message entry per fill, on the business endpoint) by default.
/// <c>side</c> is the taker's, <c>ts</c> milliseconds as a string; the plain text <c>ping</c> every keepalive
/// period answers <c>pong</c>. Missed fills come from <c>/api/v5/market/history-trades</c> (newest first, paged
/// to older ones with <c>after</c>); grids from <c>/api/v5/public/instruments</c> (<c>tickSz</c>, <c>lotSz</c>).
/// </summary>
public sealed class OkxVenue : Venue
{
    private const int PageSize = 100;

    public override string Name => "Okx";

    public override string Prefix => "OKX";

    public override Uri DefaultWebSocketUrl { get; } = new("wss://ws.okx.com:8443/ws/v5/business");

    public override Uri DefaultRestUrl { get; } = new("https://www.okx.com/");

    public override int MaxStreamsPerConnection => 100;

    /// <summary><c>history-trades</c> and <c>instruments</c>: 20 requests in 2 s per IP; 4 at once and 7 a second make 18.</summary>
    public override int RestRequestsPerSecond => 7;

    public override int RestBurst => 4;

    public override bool ContiguousTradeIds => true;

    public override string? KeepAliveMessage => "ping";

    public override string? NormalizeSymbol(string symbol) =>
        symbol.Length is > 2 and <= 32 && symbol.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && symbol.Contains('-') ? symbol.ToUpperInvariant() : null;

    public override IReadOnlyList<string> SubscribeMessages(IReadOnlyList<string> symbols, VenueFeedOptions options)
    {
        return [JsonSerializer.Serialize(new { id = "1", op = "subscribe", args = symbols.Select(s => new { channel = "trades-all", instId = s }) })];
    }

    public override FeedMessageKind Parse(ReadOnlyMemory<byte> message, List<VenueTrade> trades, out string? detail)
    {
        detail = null;
        if (message.Span.SequenceEqual("pong"u8))
        {
            return FeedMessageKind.Control;
        }

        if (!VenueJson.TryParse(message, out var document))
        {
            return FeedMessageKind.Malformed;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return FeedMessageKind.Malformed;
            }

            if (VenueJson.TryString(root, "event", out var kind))
            {
                if (kind == "error")
                {
                    detail = root.ToString();
                    return FeedMessageKind.VenueError;
                }

                return kind is "subscribe" or "notice" ? FeedMessageKind.Control : FeedMessageKind.Unknown;
            }

            if (!root.TryGetProperty("arg", out var arg) || !VenueJson.TryString(arg, "channel", out var channel) || !channel.StartsWith("trades", StringComparison.Ordinal))
            {
                return FeedMessageKind.Unknown;
            }

            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                return FeedMessageKind.Malformed;
            }

            var start = trades.Count;
            foreach (var item in data.EnumerateArray())
            {
                if (Trade(item) is not { } trade)
                {
                    trades.RemoveRange(start, trades.Count - start);
                    return FeedMessageKind.Malformed;
                }

                // A trade at an impossible time is left out alone: its id is then missed, and fetched again.
                if (VenueJson.Plausible(trade.TimeUs))
                {
                    trades.Add(trade);
                }
            }

            return FeedMessageKind.Trades;
        }
    }

    private static VenueTrade? Trade(JsonElement item)
    {
        if (!VenueJson.TryString(item, "instId", out var symbol) || !VenueJson.TryInt64(item, "tradeId", out var id)
            || !VenueJson.TryMillisecondsAsUs(item, "ts", out var timeUs) || !VenueJson.TryString(item, "px", out var price)
            || !VenueJson.TryString(item, "sz", out var size) || !VenueJson.TryString(item, "side", out var side) || side is not ("buy" or "sell"))
        {
            return null;
        }

        return new VenueTrade(symbol, id, timeUs, price, size, side == "buy" ? AggressorSide.Buy : AggressorSide.Sell);
    }

    public override async Task<IReadOnlyList<VenueInstrument>> GetInstrumentsAsync(HttpClient rest, IReadOnlyList<string> symbols, CancellationToken cancellation)
    {
        List<VenueInstrument> instruments = [];
        List<string> unknown = [];
        foreach (var symbol in symbols)
        {
            using var document = await GetAsync(rest, $"api/v5/public/instruments?instType=SPOT&instId={Uri.EscapeDataString(symbol)}", cancellation);
            var root = document.RootElement;
            if (!VenueJson.TryString(root, "code", out var code) || code != "0" || root.GetProperty("data").GetArrayLength() == 0)
            {
                unknown.Add(symbol);
                continue;
            }

            var entry = root.GetProperty("data")[0];
            instruments.Add(new VenueInstrument(entry.GetProperty("instId").GetString()!, entry.GetProperty("tickSz").GetString()!, entry.GetProperty("lotSz").GetString()!));
        }

        return unknown.Count > 0 ? throw new UnknownSymbolsException(Name, unknown) : instruments;
    }

    public override async Task<TradeRange> GetTradesAsync(
        HttpClient rest, string symbol, long afterId, long? beforeId, int maxTrades, VenueFeedOptions options, CancellationToken cancellation)
    {
        List<VenueTrade> trades = [];
        var cursor = beforeId;
        var reached = false;
        while (!reached && trades.Count < maxTrades)
        {
            var path = new StringBuilder($"api/v5/market/history-trades?instId={Uri.EscapeDataString(symbol)}&type=1&limit={PageSize}");
            if (cursor is { } c)
            {
                path.Append(CultureInfo.InvariantCulture, $"&after={c}");
            }

            using var document = await GetAsync(rest, path.ToString(), cancellation);
            var root = document.RootElement;
            if (!VenueJson.TryString(root, "code", out var code) || code != "0")
            {
                throw new HttpRequestException($"OKX history-trades for {symbol} answered {root}");
            }

            var page = 0;
            foreach (var item in root.GetProperty("data").EnumerateArray())
            {
                page++;
                var trade = Trade(item) ?? throw new JsonException($"OKX trade {item} is not as documented");
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
        var whole = reached && trades.Count > 0 && trades[0].TradeId == afterId + 1
            && trades.Zip(trades.Skip(1)).All(p => p.Second.TradeId == p.First.TradeId + 1)
            && (beforeId is null || trades[^1].TradeId == beforeId - 1);
        return new TradeRange(trades, whole || (trades.Count == 0 && beforeId == afterId + 1));
    }

    private static async Task<JsonDocument> GetAsync(HttpClient rest, string path, CancellationToken cancellation)
    {
        using var response = await rest.GetAsync(path, cancellation);
        response.EnsureSuccessStatusCode();
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellation), cancellationToken: cancellation);
    }
}
