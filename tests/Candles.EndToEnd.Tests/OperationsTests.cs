using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Candles.Testing;
using Grpc.Health.V1;
using Grpc.Net.Client;
using static Candles.EndToEnd.Tests.ServiceCalls;

using static Candles.EndToEnd.Tests.Eventually;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// What an operator reads from the running executable (a separate process, so its metrics are its own):
/// <c>/healthz</c>, <c>/readyz</c> following a real Redis that is killed and restarted, the gRPC health service
/// mirroring it, and <c>/metrics</c> as Prometheus text whose counters move with a replay.
/// </summary>
public sealed partial class OperationsTests
{
    [Fact]
    public async Task ReadinessFollowsRedisAndTheGrpcHealthServiceMirrorsIt()
    {
        using var redis = new RedisServer(appendOnly: true);
        using var service = new ServiceProcess($"--Candles:Redis={redis.ConnectionString}", $"--Candles:Silo:ClusterId=ops-{redis.Port}", "--Candles:Silo:Simulator=false");
        await service.StartAsync();
        using var http = service.CreateClient();
        using var channel = GrpcChannel.ForAddress(service.GrpcAddress);
        var health = new Health.HealthClient(channel);

        Assert.True(await UntilAsync(async () => await StatusAsync(http, "readyz") == HttpStatusCode.OK, TimeSpan.FromSeconds(60)), "never ready");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);

        redis.Kill();
        Assert.True(await UntilAsync(async () => await StatusAsync(http, "readyz") == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(60)), "still ready without Redis");
        using (var readiness = JsonDocument.Parse(await (await http.GetAsync("readyz")).Content.ReadAsStringAsync()))
        {
            var entries = readiness.RootElement.GetProperty("entries");
            Assert.Equal(("Unhealthy", "Healthy"), (entries.GetProperty("redis").GetProperty("status").GetString(), entries.GetProperty("silo").GetProperty("status").GetString()));
        }

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "healthz"));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);

        redis.Restart();
        Assert.True(await UntilAsync(async () => await StatusAsync(http, "readyz") == HttpStatusCode.OK, TimeSpan.FromSeconds(90)), "not ready again after Redis came back");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
    }

    [Fact]
    public async Task MetricsArePrometheusTextAndTheCountersMoveWithAReplay()
    {
        const string instrument = "TEST:METRICS";
        using var service = new ServiceProcess("--Candles:Silo:Simulator=false");
        await service.StartAsync();
        using var http = service.CreateClient();
        await DefineAsync(http, instrument);
        var before = await MetricsAsync(http);

        // 300 ticks over five minutes of one day and the first minute of the next, then the same again (duplicates).
        var day = Ms("2026-03-01T23:55:00Z");
        var ticks = Enumerable.Range(0, 300).Select(i => ((long)i + 1, day + (i * 1_200L), $"{100 + (i % 7)}.00", "1.000", i % 2 == 0 ? "buy" : "sell")).ToList();
        await IngestAsync(http, instrument, ticks);
        await IngestAsync(http, instrument, ticks, flush: true);

        // A batch with a tick from 2100 is refused whole: its two ticks are counted by the refusal's code.
        using (var refused = new HttpRequestMessage(HttpMethod.Post, "api/v1/ingest")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { instrument, ticks = new object[] { new { id = 900, t = day, p = "100.00", q = "1.000", side = "buy" }, new { id = 901, t = Ms("2100-01-01T00:00:00Z"), p = "100.00", q = "1.000", side = "buy" } } }),
        })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(refused)).StatusCode);
        }

        await using var client = await LiveClient.ConnectAsync(new UriBuilder(service.BaseAddress) { Scheme = "ws", Path = "/ws" }.Uri);
        await client.SendAsync(new { op = "subscribe", id = 1, instrument, tf = "1m", history = 2 });
        await client.NextOfTypeAsync("snapshot");

        Dictionary<string, double> after = [];
        Assert.True(await UntilAsync(async () => (after = await MetricsAsync(http)).GetValueOrDefault("candles_seals_total{otel_scope_name=\"Candles.Grains\",zone=\"UTC\"}") >= 1, TimeSpan.FromSeconds(30)), "no seal counted");
        double Delta(string sample) => after.GetValueOrDefault(sample) - before.GetValueOrDefault(sample);

        Assert.Equal(300, Delta("candles_ticks_total{otel_scope_name=\"Candles.Grains\",outcome=\"applied\"}"));
        Assert.Equal(300, Delta("candles_ticks_total{otel_scope_name=\"Candles.Grains\",outcome=\"duplicate\"}"));
        Assert.Equal(6, Delta("candles_bars_closed_total{otel_scope_name=\"Candles.Grains\"}"));
        Assert.Equal(2, Delta("candles_ingest_refused_total{code=\"bad_tick_time\",otel_scope_name=\"Candles.Gateway\"}"));
        Assert.Equal(1, after.GetValueOrDefault("candles_live_clients{otel_scope_name=\"Candles.Gateway\",transport=\"websocket\"}"));
        Assert.Equal(1, after.GetValueOrDefault("candles_live_subscriptions{otel_scope_name=\"Candles.Gateway\"}"));
        Assert.Contains(after.Keys, k => k.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal));
        Assert.Contains(after.Keys, k => k.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheOrleansDashboardIsServedOnlyWhenConfigured()
    {
        using var off = new ServiceProcess("--Candles:Silo:Simulator=false");
        using var on = new ServiceProcess("--Candles:Silo:Simulator=false", "--Candles:Dashboard:Enabled=true");
        await Task.WhenAll(off.StartAsync(), on.StartAsync());
        using var withoutIt = off.CreateClient();
        using var withIt = on.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await withoutIt.GetAsync("dashboard/")).StatusCode);
        Assert.Contains("<title>Orleans Dashboard</title>", await withIt.GetStringAsync("dashboard/"), StringComparison.Ordinal);
    }

    /// <summary>Every sample of <c>/metrics</c> by name and labels; fails on any line that is not Prometheus text.</summary>
    private static async Task<Dictionary<string, double>> MetricsAsync(HttpClient http)
    {
        using var response = await http.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal) || line == "# EOF")
            {
                continue;
            }

            var match = Sample().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample: {line}");
            samples[Sorted(match.Groups["series"].Value)] = double.Parse(match.Groups["value"].Value.Replace("+Inf", "Infinity", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        }

        return samples;
    }

    /// <summary>The series with its labels in name order, so a test names it one way whatever order the exporter writes.</summary>
    private static string Sorted(string series)
    {
        var brace = series.IndexOf('{', StringComparison.Ordinal);
        if (brace < 0)
        {
            return series;
        }

        var labels = Label().Matches(series[(brace + 1)..^1]).Select(m => m.Value).Order(StringComparer.Ordinal);
        return $"{series[..brace]}{{{string.Join(',', labels)}}}";
    }

    [GeneratedRegex("""[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*"(?=,|$)""")]
    private static partial Regex Label();

    [GeneratedRegex("""^(?<series>[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})?) (?<value>-?([0-9.]+([eE][-+]?[0-9]+)?|NaN|\+Inf|-Inf))( -?[0-9]+)?$""")]
    private static partial Regex Sample();

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }
}
