using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Candles.Testing.FakeVenues;

/// <summary>
/// Coinbase Exchange: a <c>subscribe</c> to <c>matches</c> and <c>heartbeat</c> answered with <c>subscriptions</c>
/// and a <c>last_match</c>; <c>match</c> messages with the maker's side; REST <c>/products/{id}</c> and
/// <c>/products/{id}/trades</c> newest first, <c>after</c> paging to older trades; no User-Agent, 400.
/// </summary>
public sealed class FakeCoinbase : FakeVenue
{
    private long _sequence;

    protected override string WebSocketPath => "/";

    protected override IEnumerable<string> Answer(FakeSession session, string message)
    {
        using var document = JsonDocument.Parse(message);
        var root = document.RootElement;
        if (root.GetProperty("type").GetString() != "subscribe")
        {
            yield return """{"type":"error","message":"Failed to subscribe","reason":"unknown type"}""";
            yield break;
        }

        if (RefuseSubscription())
        {
            yield return """{"type":"error","message":"Failed to subscribe","reason":"too many subscriptions"}""";
            yield break;
        }

        var products = root.GetProperty("product_ids").EnumerateArray().Select(p => p.GetString()!).ToList();
        Subscribe(session, products);
        yield return JsonSerializer.Serialize(new
        {
            type = "subscriptions",
            channels = new object[] { new { name = "matches", product_ids = products }, new { name = "heartbeat", product_ids = products } },
        });
        foreach (var product in products)
        {
            if (Latest(product) is { } last)
            {
                yield return Match(last, "last_match");
            }
        }
    }

    protected override string TradeMessage(FakeTrade trade) => Match(trade, "match");

    /// <summary>A heartbeat to every connection, with the product's newest trade id, as Coinbase sends every second.</summary>
    public Task HeartbeatAsync(string product, DateTimeOffset at) =>
        SendRawAsync(JsonSerializer.Serialize(new
        {
            type = "heartbeat",
            sequence = Interlocked.Increment(ref _sequence),
            last_trade_id = Latest(product)?.Id ?? 0,
            product_id = product,
            time = Time((at - DateTimeOffset.UnixEpoch).Ticks / 10),
        }));

    private string Match(FakeTrade trade, string type) => JsonSerializer.Serialize(new
    {
        type,
        trade_id = trade.Id,
        sequence = Interlocked.Increment(ref _sequence),
        maker_order_id = "ac928c66-ca53-498f-9c13-a110027a60e8",
        taker_order_id = "132fb6ae-456b-4654-b4e0-d681ac05cea1",
        time = Time(trade.TimeUs),
        product_id = trade.Symbol,
        size = trade.Quantity,
        price = trade.Price,
        side = trade.TakerBuys ? "sell" : "buy",
    });

    private static string Time(long timeUs) =>
        DateTimeOffset.UnixEpoch.AddTicks(timeUs * 10).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    protected override void MapRest(WebApplication app)
    {
        app.MapGet("/products/{id}", (string id, HttpRequest request) =>
        {
            if (string.IsNullOrEmpty(request.Headers.UserAgent))
            {
                return Results.Json(new { message = "User-Agent header is required." }, statusCode: 400);
            }

            return Listed.TryGetValue(id, out var grid)
                ? Results.Json(new { id, base_currency = id.Split('-')[0], quote_currency = id.Split('-')[1], base_increment = grid.QuantityStep, quote_increment = grid.TickSize, status = "online" })
                : Results.Json(new { message = "NotFound" }, statusCode: 404);
        });
        app.MapGet("/products/{id}/trades", (string id, HttpRequest request) =>
        {
            if (string.IsNullOrEmpty(request.Headers.UserAgent))
            {
                return Results.Json(new { message = "User-Agent header is required." }, statusCode: 400);
            }

            var limit = Math.Min(1000, int.Parse(request.Query["limit"].FirstOrDefault() ?? "1000", CultureInfo.InvariantCulture));
            IEnumerable<FakeTrade> trades = History(id);
            if (request.Query["after"].FirstOrDefault() is { } after)
            {
                var cursor = long.Parse(after, CultureInfo.InvariantCulture);
                trades = trades.Where(t => t.Id < cursor);
            }

            var page = trades.Reverse().Take(limit).ToList();
            if (page.Count > 0)
            {
                request.HttpContext.Response.Headers["CB-BEFORE"] = page[0].Id.ToString(CultureInfo.InvariantCulture);
                request.HttpContext.Response.Headers["CB-AFTER"] = page[^1].Id.ToString(CultureInfo.InvariantCulture);
            }

            return Results.Json(page.Select(t => new { time = Time(t.TimeUs), trade_id = t.Id, price = t.Price, size = t.Quantity, side = t.TakerBuys ? "sell" : "buy" }));
        });
    }
}
