using System.Text.Json;
using Candles.Core.Ticks;

namespace Candles.Ingest.Feeds.Bybit;

/// <summary>
/// Bybit v5 spot: <c>publicTrade.&lt;symbol&gt;</c> topics (at most 10 per subscribe request), <c>S</c> the taker's side,
/// <c>T</c> in milliseconds, <c>i</c> the trade id (a numeric string on spot); a JSON <c>{"op":"ping"}</c> every
/// keepalive period. Its REST history holds only the last 60 trades, with no paging: a longer outage leaves a gap
/// that is marked incomplete. Grids from <c>/v5/market/instruments-info</c> (<c>priceFilter.tickSize</c>,
/// <c>lotSizeFilter.basePrecision</c>).
/// </summary>
public sealed class BybitVenue : Venue
{
    private const int RecentTrades = 60;
    private const int TopicsPerRequest = 10;

    public override string Name => "Bybit";

    public override string Prefix => "BYBIT";

    public override Uri DefaultWebSocketUrl { get; } = new("wss://stream.bybit.com/v5/public/spot");

    public override Uri DefaultRestUrl { get; } = new("https://api.bybit.com/");

    public override int MaxStreamsPerConnection => 200;

    /// <summary>
    /// 600 requests in 5 s per IP: 150 at once and 80 a second stay under it. Its REST history is the last 60 trades, so a
    /// reconnect's catch-up of every symbol must not queue for long.
    /// </summary>
    public override int RestRequestsPerSecond => 80;

    public override int RestBurst => 150;

    public override string? KeepAliveMessage => """{"op":"ping"}""";

    public override string? NormalizeSymbol(string symbol) =>
        symbol.Length is > 0 and <= 32 && symbol.All(char.IsAsciiLetterOrDigit) ? symbol.ToUpperInvariant() : null;

    public override IReadOnlyList<string> SubscribeMessages(IReadOnlyList<string> symbols, VenueFeedOptions options) =>
        [.. symbols.Chunk(TopicsPerRequest).Select((chunk, i) => JsonSerializer.Serialize(new
        {
            req_id = $"s{i}",
            op = "subscribe",
            args = chunk.Select(s => "publicTrade." + s),
        }))];

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
            if (root.ValueKind != JsonValueKind.Object)
            {
                return FeedMessageKind.Malformed;
            }

            if (VenueJson.TryString(root, "topic", out var topic))
            {
                return topic.StartsWith("publicTrade.", StringComparison.Ordinal) ? ParseTrades(root, trades) : FeedMessageKind.Unknown;
            }

            if (VenueJson.TryString(root, "op", out var op))
            {
                if (VenueJson.TryBool(root, "success", out var success) && !success)
                {
                    detail = root.ToString();
                    return FeedMessageKind.VenueError;
                }

                return op is "subscribe" or "ping" or "pong" ? FeedMessageKind.Control : FeedMessageKind.Unknown;
            }

            return FeedMessageKind.Unknown;
        }
    }

    private static FeedMessageKind ParseTrades(JsonElement root, List<VenueTrade> trades)
    {
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            return FeedMessageKind.Malformed;
        }

        var start = trades.Count;
        foreach (var item in data.EnumerateArray())
        {
            if (!VenueJson.TryString(item, "s", out var symbol) || !VenueJson.TryInt64(item, "i", out var id)
                || !VenueJson.TryMillisecondsAsUs(item, "T", out var timeUs) || !VenueJson.TryString(item, "p", out var price)
                || !VenueJson.TryString(item, "v", out var size) || !VenueJson.TryString(item, "S", out var side) || side is not ("Buy" or "Sell"))
            {
                trades.RemoveRange(start, trades.Count - start);
                return FeedMessageKind.Malformed;
            }

            // A trade at an impossible time is left out alone: Bybit's ids show no gap by which the others would be fetched again.
            if (VenueJson.Plausible(timeUs))
            {
                trades.Add(new VenueTrade(symbol, id, timeUs, price, size, side == "Buy" ? AggressorSide.Buy : AggressorSide.Sell));
            }
        }

        return FeedMessageKind.Trades;
    }

    public override async Task<IReadOnlyList<VenueInstrument>> GetInstrumentsAsync(HttpClient rest, IReadOnlyList<string> symbols, CancellationToken cancellation)
    {
        List<VenueInstrument> instruments = [];
        List<string> unknown = [];
        foreach (var symbol in symbols)
        {
            using var document = await GetAsync(rest, $"v5/market/instruments-info?category=spot&symbol={Uri.EscapeDataString(symbol)}", cancellation);
            var root = document.RootElement;
            if (!VenueJson.TryInt64(root, "retCode", out var code) || code != 0
                || root.GetProperty("result").GetProperty("list") is not { ValueKind: JsonValueKind.Array } list || list.GetArrayLength() == 0)
            {
                unknown.Add(symbol);
                continue;
            }

            var entry = list[0];
            instruments.Add(new VenueInstrument(
                entry.GetProperty("symbol").GetString()!,
                entry.GetProperty("priceFilter").GetProperty("tickSize").GetString()!,
                entry.GetProperty("lotSizeFilter").GetProperty("basePrecision").GetString()!));
        }

        return unknown.Count > 0 ? throw new UnknownSymbolsException(Name, unknown) : instruments;
    }

    public override async Task<TradeRange> GetTradesAsync(
        HttpClient rest, string symbol, long afterId, long? beforeId, int maxTrades, VenueFeedOptions options, CancellationToken cancellation)
    {
        using var document = await GetAsync(rest, $"v5/market/recent-trade?category=spot&symbol={Uri.EscapeDataString(symbol)}&limit={RecentTrades}", cancellation);
        var root = document.RootElement;
        if (!VenueJson.TryInt64(root, "retCode", out var code) || code != 0)
        {
            throw new HttpRequestException($"Bybit recent-trade for {symbol} answered {root}");
        }

        List<VenueTrade> all = [];
        foreach (var item in root.GetProperty("result").GetProperty("list").EnumerateArray())
        {
            var side = item.GetProperty("side").GetString();
            all.Add(new VenueTrade(
                symbol, long.Parse(item.GetProperty("execId").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                long.Parse(item.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture) * 1000,
                item.GetProperty("price").GetString()!, item.GetProperty("size").GetString()!, side switch
                {
                    "Buy" => AggressorSide.Buy,
                    "Sell" => AggressorSide.Sell,
                    _ => throw new FormatException($"Bybit recent-trade for {symbol} gave side '{side}'"),
                }));
        }

        // Whole only if the venue's short history reaches back to a trade already held, and no more were wanted than
        // may be taken; then the newest are taken, so that what is missing lies before the oldest given.
        var reachesBack = all.Any(t => t.TradeId <= afterId);
        List<VenueTrade> wanted = [.. all.Where(t => t.TradeId > afterId && (beforeId is null || t.TradeId < beforeId)).OrderBy(t => t.TradeId)];
        return new TradeRange(wanted[Math.Max(0, wanted.Count - maxTrades)..], reachesBack && wanted.Count <= maxTrades);
    }

    private static async Task<JsonDocument> GetAsync(HttpClient rest, string path, CancellationToken cancellation)
    {
        using var response = await rest.GetAsync(path, cancellation);
        response.EnsureSuccessStatusCode();
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellation), cancellationToken: cancellation);
    }
}
