using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Candles.Testing.FakeVenues;

/// <summary>
/// Bybit v5 spot: <c>/v5/public/spot</c> with <c>{"op":"subscribe","args":["publicTrade.X"]}</c> and
/// <c>{"op":"ping"}</c> (answered with the spot pong), <c>publicTrade</c> snapshots; REST instruments-info and
/// recent-trade (the last 60 trades only).
/// </summary>
public sealed class FakeBybit : FakeVenue
{
    protected override string WebSocketPath => "/v5/public/spot";

    protected override IEnumerable<string> Answer(FakeSession session, string message)
    {
        using var document = JsonDocument.Parse(message);
        var root = document.RootElement;
        var op = root.GetProperty("op").GetString();
        if (op == "ping")
        {
            CountPing();
            yield return """{"success":true,"ret_msg":"pong","conn_id":"fake-conn","op":"ping"}""";
        }
        else if (op == "subscribe" && RefuseSubscription())
        {
            yield return """{"success":false,"ret_msg":"error:too many topics","conn_id":"fake-conn","op":"subscribe"}""";
        }
        else if (op == "subscribe")
        {
            Subscribe(session, root.GetProperty("args").EnumerateArray().Select(a => a.GetString()!["publicTrade.".Length..]));
            var requestId = root.TryGetProperty("req_id", out var id) ? id.GetString() : null;
            yield return JsonSerializer.Serialize(new { success = true, ret_msg = "subscribe", conn_id = "fake-conn", req_id = requestId, op = "subscribe" });
        }
    }

    protected override string TradeMessage(FakeTrade trade) => JsonSerializer.Serialize(new
    {
        topic = "publicTrade." + trade.Symbol,
        type = "snapshot",
        ts = trade.TimeUs / 1000,
        data = new[]
        {
            new Dictionary<string, object>
            {
                ["T"] = trade.TimeUs / 1000, ["s"] = trade.Symbol, ["S"] = trade.TakerBuys ? "Buy" : "Sell", ["v"] = trade.Quantity, ["p"] = trade.Price,
                ["i"] = trade.Id.ToString(CultureInfo.InvariantCulture), ["BT"] = false, ["seq"] = trade.Id,
            },
        },
    });

    protected override void MapRest(WebApplication app)
    {
        app.MapGet("/v5/market/instruments-info", (HttpRequest request) =>
        {
            var symbol = request.Query["symbol"].ToString();
            var list = Listed.TryGetValue(symbol, out var grid)
                ? new object[] { new { symbol, status = "Trading", lotSizeFilter = new { basePrecision = grid.QuantityStep }, priceFilter = new { tickSize = grid.TickSize } } }
                : [];
            return Results.Json(new { retCode = 0, retMsg = "OK", result = new { category = "spot", list }, retExtInfo = new { }, time = 0 });
        });
        app.MapGet("/v5/market/recent-trade", (HttpRequest request) =>
        {
            var symbol = request.Query["symbol"].ToString();
            var limit = Math.Min(60, int.Parse(request.Query["limit"].FirstOrDefault() ?? "60", CultureInfo.InvariantCulture));
            var list = History(symbol).TakeLast(limit).Reverse().Select(t => new
            {
                execId = t.Id.ToString(CultureInfo.InvariantCulture), symbol, price = t.Price, size = t.Quantity, side = t.TakerBuys ? "Buy" : "Sell",
                time = (t.TimeUs / 1000).ToString(CultureInfo.InvariantCulture), isBlockTrade = false,
            });
            return Results.Json(new { retCode = 0, retMsg = "OK", result = new { category = "spot", list }, retExtInfo = new { }, time = 0 });
        });
    }
}
