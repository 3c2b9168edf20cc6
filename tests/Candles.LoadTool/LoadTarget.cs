using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;

namespace Candles.LoadTool;

/// <summary>
/// The service a verb loads: a loopback address only, its ingest key on every request, fresh instruments defined, and
/// its process's CPU and resident memory read from /proc.
/// </summary>
internal static class LoadTarget
{
    /// <summary><c>--url</c>: the service's HTTP address on this machine.</summary>
    public static Option<string> Url(string what = "the service's HTTP address (loopback)") =>
        new("--url") { DefaultValueFactory = _ => "http://127.0.0.1:5080", Description = what };

    /// <summary><c>--api-key</c>: the service's ingest key.</summary>
    public static Option<string> ApiKey() => new("--api-key") { Required = true };

    /// <summary><c>--server-pid</c>, optional: the service's process, for its CPU and resident memory.</summary>
    public static Option<int?> ServerPid() => new("--server-pid") { Description = "report this process's CPU and resident memory" };

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

    /// <summary>CPU seconds (user and system) the process has used so far; 0 without a process.</summary>
    public static double Cpu(int? pid)
    {
        if (pid is not { } p)
        {
            return 0;
        }

        var fields = File.ReadAllText($"/proc/{p}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>The process's resident set in bytes.</summary>
    public static long Rss(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    /// <summary>
    /// The service's share of a core (<paramref name="cpuSeconds"/> used over <paramref name="seconds"/>) and its resident
    /// memory now, per instrument too when <paramref name="instruments"/> is given.
    /// </summary>
    public static string Usage(int pid, double cpuSeconds, double seconds, int? instruments = null)
    {
        var mib = Rss(pid) / 1048576.0;
        var each = instruments is int n && n > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({mib / n:F1} MiB an instrument)") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"server: {cpuSeconds / seconds * 100:F0} % CPU (of one core), {mib:F0} MiB resident{each}");
    }
}
