using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Candles.Testing.FakeVenues;

/// <summary>
/// Binance spot as its documentation has it: <c>/stream</c> combined streams subscribed with <c>SUBSCRIBE</c>,
/// <c>@trade</c> events (times in µs when the URL asks <c>timeUnit=MICROSECOND</c>), <c>/api/v3/exchangeInfo</c>
/// (-1121 for an unknown symbol) and <c>/api/v3/historicalTrades</c> from an id, ascending, at most 1000.
/// </summary>
public sealed class FakeBinance : FakeVenue
{
    protected override string WebSocketPath => "/stream";

    protected override IEnumerable<string> Answer(FakeSession session, string message)
    {
        using var document = JsonDocument.Parse(message);
        var root = document.RootElement;
        if (root.GetProperty("method").GetString() != "SUBSCRIBE")
        {
            yield return """{"error":{"code":2,"msg":"Invalid request: unknown method"},"id":null}""";
            yield break;
        }

        if (RefuseSubscription())
        {
            yield return JsonSerializer.Serialize(new { error = new { code = 2, msg = "Invalid request: too many streams on this connection" }, id = root.GetProperty("id").GetInt64() });
            yield break;
        }

        Subscribe(session, root.GetProperty("params").EnumerateArray().Select(p => p.GetString()!.Split('@')[0].ToUpperInvariant()));
        yield return JsonSerializer.Serialize(new { result = (object?)null, id = root.GetProperty("id").GetInt64() });
    }

    protected override string TradeMessage(FakeTrade trade) => JsonSerializer.Serialize(new
    {
        stream = trade.Symbol.ToLowerInvariant() + "@trade",
        data = new Dictionary<string, object>
        {
            ["e"] = "trade", ["E"] = trade.TimeUs + 15, ["s"] = trade.Symbol, ["t"] = trade.Id, ["p"] = trade.Price, ["q"] = trade.Quantity,
            ["T"] = trade.TimeUs, ["m"] = !trade.TakerBuys, ["M"] = true,
        },
    });

    protected override void MapRest(WebApplication app)
    {
        app.MapGet("/api/v3/exchangeInfo", (HttpRequest request) =>
        {
            var asked = request.Query["symbols"].FirstOrDefault() is { } list ? JsonSerializer.Deserialize<string[]>(list)! : [request.Query["symbol"].ToString()];
            if (asked.Any(s => !Listed.ContainsKey(s)))
            {
                return Results.Json(new { code = -1121, msg = "Invalid symbol." }, statusCode: 400);
            }

            return Results.Json(new
            {
                timezone = "UTC",
                symbols = asked.Select(s => new
                {
                    symbol = s,
                    status = "TRADING",
                    filters = new object[]
                    {
                        new { filterType = "PRICE_FILTER", minPrice = Listed[s].TickSize, maxPrice = "1000000.00000000", tickSize = Listed[s].TickSize },
                        new { filterType = "LOT_SIZE", minQty = Listed[s].QuantityStep, maxQty = "9000.00000000", stepSize = Listed[s].QuantityStep },
                    },
                }),
            });
        });
        app.MapGet("/api/v3/historicalTrades", (HttpRequest request) =>
        {
            var symbol = request.Query["symbol"].ToString();
            if (!Listed.ContainsKey(symbol))
            {
                return Results.Json(new { code = -1121, msg = "Invalid symbol." }, statusCode: 400);
            }

            var limit = Math.Min(1000, int.Parse(request.Query["limit"].FirstOrDefault() ?? "500", CultureInfo.InvariantCulture));
            var fromId = long.Parse(request.Query["fromId"].FirstOrDefault() ?? "0", CultureInfo.InvariantCulture);
            var micro = request.Headers["X-MBX-TIME-UNIT"].ToString().Equals("MICROSECOND", StringComparison.OrdinalIgnoreCase);
            var trades = History(symbol);
            var page = (request.Query.ContainsKey("fromId") ? trades.Where(t => t.Id >= fromId) : trades.TakeLast(limit)).Take(limit);
            return Results.Json(page.Select(t => new
            {
                id = t.Id, price = t.Price, qty = t.Quantity, quoteQty = "0", time = micro ? t.TimeUs : t.TimeUs / 1000, isBuyerMaker = !t.TakerBuys, isBestMatch = true,
            }));
        });
    }
}
