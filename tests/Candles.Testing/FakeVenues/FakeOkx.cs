using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Candles.Testing.FakeVenues;

/// <summary>
/// OKX v5: <c>/ws/v5/business</c> with <c>{"op":"subscribe","args":[{"channel":"trades-all","instId":..}]}</c>
/// answered by <c>event: subscribe</c> per argument, the plain text <c>ping</c>/<c>pong</c>; REST instruments
/// (<c>51001</c> for an unknown one) and history-trades newest first, <c>after</c> paging to older, at most 100.
/// </summary>
public sealed class FakeOkx : FakeVenue
{
    protected override string WebSocketPath => "/ws/v5/business";

    protected override IEnumerable<string> Answer(FakeSession session, string message)
    {
        if (message == "ping")
        {
            CountPing();
            yield return "pong";
            yield break;
        }

        using var document = JsonDocument.Parse(message);
        var root = document.RootElement;
        if (root.GetProperty("op").GetString() != "subscribe")
        {
            yield return """{"event":"error","code":"60012","msg":"Invalid request","connId":"fake"}""";
            yield break;
        }

        // OKX answers each symbol apart: a refused request refuses its first symbol only.
        var refused = RefuseSubscription();
        foreach (var arg in root.GetProperty("args").EnumerateArray())
        {
            if (refused)
            {
                refused = false;
                yield return $$"""{"event":"error","code":"60018","msg":"Wrong URL or channel:trades,instId:{{arg.GetProperty("instId").GetString()}} doesn't exist.","connId":"fake"}""";
                continue;
            }

            Subscribe(session, [arg.GetProperty("instId").GetString()!]);
            yield return JsonSerializer.Serialize(new
            {
                id = root.TryGetProperty("id", out var id) ? id.GetString() : null,
                @event = "subscribe",
                arg = new { channel = arg.GetProperty("channel").GetString(), instId = arg.GetProperty("instId").GetString() },
                connId = "fake",
            });
        }
    }

    protected override string TradeMessage(FakeTrade trade) => JsonSerializer.Serialize(new
    {
        arg = new { channel = "trades-all", instId = trade.Symbol },
        data = new[] { Row(trade) },
    });

    private static object Row(FakeTrade t) => new
    {
        instId = t.Symbol,
        tradeId = t.Id.ToString(CultureInfo.InvariantCulture),
        px = t.Price,
        sz = t.Quantity,
        side = t.TakerBuys ? "buy" : "sell",
        ts = (t.TimeUs / 1000).ToString(CultureInfo.InvariantCulture),
        source = "0",
    };

    protected override void MapRest(WebApplication app)
    {
        app.MapGet("/api/v5/public/instruments", (HttpRequest request) =>
        {
            var id = request.Query["instId"].ToString();
            return Listed.TryGetValue(id, out var grid)
                ? Results.Json(new { code = "0", msg = "", data = new[] { new { instType = "SPOT", instId = id, tickSz = grid.TickSize, lotSz = grid.QuantityStep, state = "live" } } })
                : Results.Json(new { code = "51001", msg = "Instrument ID does not exist", data = Array.Empty<object>() });
        });
        app.MapGet("/api/v5/market/history-trades", (HttpRequest request) =>
        {
            var id = request.Query["instId"].ToString();
            var limit = Math.Min(100, int.Parse(request.Query["limit"].FirstOrDefault() ?? "100", CultureInfo.InvariantCulture));
            IEnumerable<FakeTrade> trades = History(id);
            if (request.Query["after"].FirstOrDefault() is { } after)
            {
                var cursor = long.Parse(after, CultureInfo.InvariantCulture);
                trades = trades.Where(t => t.Id < cursor);
            }

            return Results.Json(new { code = "0", msg = "", data = trades.Reverse().Take(limit).Select(Row) });
        });
    }
}
