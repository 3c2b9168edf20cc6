using System.Net.Http.Json;

namespace Candles.LoadTool;

/// <summary>The service a verb loads: a loopback address only, its ingest key on every request, fresh instruments defined.</summary>
internal static class LoadTarget
{
    /// <summary>A client of <paramref name="url"/> with the ingest key, or null (said on stderr) when the address is not this machine's.</summary>
    public static HttpClient? Client(string verb, Uri url, string apiKey, HttpMessageHandler? handler = null, TimeSpan? timeout = null)
    {
        if (!url.IsLoopback)
        {
            Console.Error.WriteLine($"{verb} only loads a service on this machine (a loopback URL)");
            return null;
        }

        var http = new HttpClient(handler ?? new SocketsHttpHandler()) { BaseAddress = url, Timeout = timeout ?? TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return http;
    }

    /// <summary>Defines <paramref name="instrument"/> with these grids.</summary>
    public static async Task DefineAsync(HttpClient http, string instrument, string tickSize, string qtyStep, CancellationToken cancellation)
    {
        using var response = await http.PutAsJsonAsync($"api/v1/instruments/{instrument}", new { tickSize, qtyStep }, cancellation);
        response.EnsureSuccessStatusCode();
    }
}
