using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace Candles.EndToEnd.Tests;

/// <summary>Writes to a running service through REST, as a feed or a replay would.</summary>
internal static class ServiceCalls
{
    public static async Task DefineAsync(HttpClient http, string instrument, string tickSize = "0.01", string qtyStep = "0.001")
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/v1/instruments/{instrument}") { Content = JsonContent.Create(new { tickSize, qtyStep }) };
        request.Headers.Add("X-Api-Key", RunningService.ApiKey);
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A replayed batch (the watermark moves by event time only); ticks as (id, Unix ms, price, quantity, side).</summary>
    public static async Task IngestAsync(HttpClient http, string instrument, IEnumerable<(long Id, long Ms, string Price, string Qty, string Side)> ticks, bool flush = false)
    {
        var body = new
        {
            instrument,
            flush,
            ticks = ticks.Select(t => new { id = t.Id, t = t.Ms, p = t.Price, q = t.Qty, side = t.Side }).ToList(),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/ingest") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", RunningService.ApiKey);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static long Ms(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
}
