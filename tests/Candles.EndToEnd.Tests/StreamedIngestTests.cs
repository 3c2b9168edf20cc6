using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// A CSV ingest body is read as it arrives: a batch with a tick too many is refused there, while the client is still
/// sending, and nothing of it is applied. A service that buffered the whole body first would still be waiting for its
/// end (the body here never ends), so this test cannot pass against one.
/// </summary>
public sealed class StreamedIngestTests : IAsyncLifetime
{
    private const string Instrument = "TEST:STREAMED";
    private const int MaxTicks = 100;
    private readonly RunningService _service = new($"--Candles:Gateway:MaxIngestTicks={MaxTicks}");

    public Task InitializeAsync() => _service.InitializeAsync();

    public Task DisposeAsync() => _service.DisposeAsync();

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task ABatchWithATickTooManyIsRefusedBeforeItsBodyEndsAndNothingOfItIsApplied(string newline)
    {
        await DefineAsync(_service.Http, Instrument);
        var t0 = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        var lines = string.Concat(Enumerable.Range(1, MaxTicks + 1).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},100.00,1.000,100.0,{t0 + i},False,True{newline}")));

        // HTTP/1.1 by hand: the body is chunked, its last chunk never sent.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", _service.BaseAddress.Port);
        var stream = tcp.GetStream();
        var head = $"POST /api/v1/ingest?instrument={Instrument} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: {RunningService.ApiKey}\r\n"
            + "Content-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n";
        var chunk = Encoding.ASCII.GetBytes(lines);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + chunk.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
        await stream.WriteAsync(chunk);
        await stream.WriteAsync("\r\n"u8.ToArray());
        await stream.FlushAsync();

        var response = await ReadResponseAsync(stream, TimeSpan.FromSeconds(15));
        Assert.StartsWith("HTTP/1.1 413", response, StringComparison.Ordinal);
        var content = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        var body = JsonDocument.Parse(content[content.IndexOf('{', StringComparison.Ordinal)..(content.LastIndexOf('}') + 1)]).RootElement;
        Assert.Equal("batch_too_large", body.GetProperty("code").GetString());

        // Nothing half-applied; and the same ticks but one, sent whole, are taken.
        var page = JsonDocument.Parse(await _service.Http.GetStringAsync($"api/v1/candles?instrument={Instrument}&tf=1m")).RootElement;
        Assert.Equal(0, page.GetProperty("candles").GetArrayLength());
        using var whole = new HttpRequestMessage(HttpMethod.Post, $"api/v1/ingest?instrument={Instrument}")
        {
            Content = new StringContent(lines[..lines.LastIndexOf('\n', lines.Length - 2)] + "\n", Encoding.ASCII, "text/csv"),
        };
        whole.Headers.Add("X-Api-Key", RunningService.ApiKey);
        using var accepted = await _service.Http.SendAsync(whole);
        Assert.True(accepted.IsSuccessStatusCode, await accepted.Content.ReadAsStringAsync());
        Assert.Equal(MaxTicks, JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("applied").GetInt32());
    }

    [Fact]
    public async Task AGzipCsvBodyIsTakenAsThePlainOneIs()
    {
        const string instrument = "TEST:GZIPPED";
        await DefineAsync(_service.Http, instrument);
        var t0 = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        var lines = string.Concat(Enumerable.Range(1, 10).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},100.00,1.000,100.0,{t0 + i},False,True\n")));
        using var packed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.ASCII.GetBytes(lines));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/ingest?instrument={instrument}") { Content = new ByteArrayContent(packed.ToArray()) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        request.Headers.Add("X-Api-Key", RunningService.ApiKey);
        using var response = await _service.Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(10, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("applied").GetInt32());
    }

    /// <summary>The response's head and as much body as comes, waiting at most <paramref name="within"/> for its first bytes.</summary>
    private static async Task<string> ReadResponseAsync(NetworkStream stream, TimeSpan within)
    {
        var text = new StringBuilder();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                text.Append(Encoding.UTF8.GetString(buffer, 0, read));
                var response = text.ToString();
                var end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0 && response.IndexOf('}', end) > 0)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no whole response within {within.TotalSeconds} s while the body was still open: {text}");
        }

        return text.ToString();
    }
}
