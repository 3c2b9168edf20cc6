using System.Net;
using System.Text.Json;
using Candles.Core.Ticks;

namespace Candles.Ingest.Feeds.Binance;

/// <summary>
/// Binance spot: combined streams (<c>{"stream":..,"data":..}</c>) of <c>&lt;symbol&gt;@trade</c>, or
/// <c>@aggTrade</c> when configured, subscribed with <c>SUBSCRIBE</c>; times in microseconds
/// (<c>timeUnit=MICROSECOND</c>). <c>m: true</c> means the buyer was the maker, so the aggressor sold.
/// Missed trades come from <c>/api/v3/historicalTrades</c> (or <c>/api/v3/aggTrades</c>) by id, grids from
/// <c>/api/v3/exchangeInfo</c> (<c>PRICE_FILTER.tickSize</c>, <c>LOT_SIZE.stepSize</c>).
/// </summary>
public sealed class BinanceVenue : Venue
{
    private const int PageSize = 1000;

    public override string Name => "Binance";

    public override string Prefix => "BINANCE";

    public override Uri DefaultWebSocketUrl { get; } = new("wss://stream.binance.com:9443/stream");

    public override Uri DefaultRestUrl { get; } = new("https://api.binance.com/");

    public override int MaxStreamsPerConnection => 1024;

    /// <summary>6,000 weight a minute per IP; <c>historicalTrades</c> weighs 25, so 4 a second is all of it.</summary>
    public override int RestRequestsPerSecond => 3;

    public override int RestBurst => 3;

    public override TimeSpan? ConnectionLimit => TimeSpan.FromHours(24);

    public override bool ContiguousTradeIds => true;

    public override string? NormalizeSymbol(string symbol) =>
        symbol.Length is > 0 and <= 32 && symbol.All(char.IsAsciiLetterOrDigit) ? symbol.ToUpperInvariant() : null;

    public override Uri StreamUrl(Uri webSocketUrl, VenueFeedOptions options)
    {
        var builder = new UriBuilder(webSocketUrl);
        builder.Query = string.IsNullOrEmpty(builder.Query) || builder.Query == "?" ? "timeUnit=MICROSECOND" : builder.Query.TrimStart('?') + "&timeUnit=MICROSECOND";
        return builder.Uri;
    }

    public override IReadOnlyList<string> SubscribeMessages(IReadOnlyList<string> symbols, VenueFeedOptions options)
    {
        var stream = IsAggregated(options) ? "@aggTrade" : "@trade";
        return [JsonSerializer.Serialize(new { method = "SUBSCRIBE", @params = symbols.Select(s => s.ToLowerInvariant() + stream), id = 1 })];
    }

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

            if (root.TryGetProperty("data", out var data))
            {
                return ParseEvent(data, trades);
            }

            if (root.TryGetProperty("error", out var error) || root.TryGetProperty("code", out error))
            {
                detail = error.ToString();
                return FeedMessageKind.VenueError;
            }

            return root.TryGetProperty("result", out _) && root.TryGetProperty("id", out _) ? FeedMessageKind.Control : FeedMessageKind.Unknown;
        }
    }

    private static FeedMessageKind ParseEvent(JsonElement data, List<VenueTrade> trades)
    {
        if (!VenueJson.TryString(data, "e", out var type))
        {
            return FeedMessageKind.Malformed;
        }

        var idField = type switch
        {
            "trade" => "t",
            "aggTrade" => "a",
            _ => null,
        };
        if (idField is null)
        {
            return FeedMessageKind.Unknown;
        }

        if (!VenueJson.TryString(data, "s", out var symbol) || !VenueJson.TryInt64(data, idField, out var id)
            || !VenueJson.TryString(data, "p", out var price) || !VenueJson.TryString(data, "q", out var quantity)
            || !VenueJson.TryMicroseconds(data, "T", out var timeUs) || !VenueJson.TryBool(data, "m", out var buyerIsMaker))
        {
            return FeedMessageKind.Malformed;
        }

        trades.Add(new VenueTrade(symbol, id, timeUs, price, quantity, buyerIsMaker ? AggressorSide.Sell : AggressorSide.Buy));
        return FeedMessageKind.Trades;
    }

    public override async Task<IReadOnlyList<VenueInstrument>> GetInstrumentsAsync(HttpClient rest, IReadOnlyList<string> symbols, CancellationToken cancellation)
    {
        var list = JsonSerializer.Serialize(symbols);
        using var response = await rest.GetAsync($"api/v3/exchangeInfo?symbols={Uri.EscapeDataString(list)}", cancellation);
        if (response.StatusCode == HttpStatusCode.BadRequest && symbols.Count > 0)
        {
            // Binance refuses the whole list for one unknown symbol (-1121): ask one by one to name them.
            List<string> unknown = [];
            foreach (var symbol in symbols)
            {
                using var single = await rest.GetAsync($"api/v3/exchangeInfo?symbol={Uri.EscapeDataString(symbol)}", cancellation);
                if (single.StatusCode == HttpStatusCode.BadRequest)
                {
                    unknown.Add(symbol);
                }
            }

            throw unknown.Count > 0
                ? new UnknownSymbolsException(Name, unknown)
                : new HttpRequestException($"Binance refused exchangeInfo for {list}", null, HttpStatusCode.BadRequest);
        }

        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellation), cancellationToken: cancellation);
        List<VenueInstrument> instruments = [];
        foreach (var entry in document.RootElement.GetProperty("symbols").EnumerateArray())
        {
            string? tick = null, step = null;
            foreach (var filter in entry.GetProperty("filters").EnumerateArray())
            {
                switch (filter.GetProperty("filterType").GetString())
                {
                    case "PRICE_FILTER": tick = filter.GetProperty("tickSize").GetString(); break;
                    case "LOT_SIZE": step = filter.GetProperty("stepSize").GetString(); break;
                }
            }

            if (tick is not null && step is not null)
            {
                instruments.Add(new VenueInstrument(entry.GetProperty("symbol").GetString()!, tick, step));
            }
        }

        var missing = symbols.Except(instruments.Select(i => i.Symbol), StringComparer.Ordinal).ToList();
        return missing.Count > 0 ? throw new UnknownSymbolsException(Name, missing) : instruments;
    }

    public override async Task<TradeRange> GetTradesAsync(
        HttpClient rest, string symbol, long afterId, long? beforeId, int maxTrades, VenueFeedOptions options, CancellationToken cancellation)
    {
        var aggregated = IsAggregated(options);
        List<VenueTrade> trades = [];
        var next = afterId + 1;
        var whole = true;
        while (trades.Count < maxTrades && (beforeId is null || next < beforeId))
        {
            var path = aggregated ? "api/v3/aggTrades" : "api/v3/historicalTrades";
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{path}?symbol={Uri.EscapeDataString(symbol)}&fromId={next}&limit={PageSize}");
            request.Headers.Add("X-MBX-TIME-UNIT", "MICROSECOND");
            using var response = await rest.SendAsync(request, cancellation);
            response.EnsureSuccessStatusCode();
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellation), cancellationToken: cancellation);
            var page = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                page++;
                var trade = aggregated ? AggregatedTrade(symbol, item) : HistoricalTrade(symbol, item);
                if (trade.TradeId < next)
                {
                    continue;
                }

                // The venue no longer holds the ids in between: that part of the range stays missing.
                whole &= trade.TradeId == next;
                if ((beforeId is not null && trade.TradeId >= beforeId) || trades.Count >= maxTrades)
                {
                    break;
                }

                trades.Add(trade);
                next = trade.TradeId + 1;
            }

            if (page < PageSize)
            {
                break;
            }
        }

        whole &= beforeId is null ? trades.Count < maxTrades : next >= beforeId;
        return new TradeRange(trades, whole);
    }

    private static bool IsAggregated(VenueFeedOptions options) => string.Equals(options.Stream, "aggTrade", StringComparison.OrdinalIgnoreCase);

    private static VenueTrade HistoricalTrade(string symbol, JsonElement item) => new(
        symbol, item.GetProperty("id").GetInt64(), item.GetProperty("time").GetInt64(), item.GetProperty("price").GetString()!,
        item.GetProperty("qty").GetString()!, item.GetProperty("isBuyerMaker").GetBoolean() ? AggressorSide.Sell : AggressorSide.Buy);

    private static VenueTrade AggregatedTrade(string symbol, JsonElement item) => new(
        symbol, item.GetProperty("a").GetInt64(), item.GetProperty("T").GetInt64(), item.GetProperty("p").GetString()!,
        item.GetProperty("q").GetString()!, item.GetProperty("m").GetBoolean() ? AggressorSide.Sell : AggressorSide.Buy);
}
