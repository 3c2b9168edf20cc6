using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Candles.Gateway.Grpc.V1;
using Grpc.Core;
using Grpc.Net.Client;
using HdrHistogram;

namespace Candles.LoadTool;

/// <summary>
/// <c>live</c>: N instruments × R ticks/s into a running service over gRPC ingest (live batches), M WebSocket clients
/// subscribed round-robin to them; reports ticks/s in, messages/s delivered, tick-to-client latency (from sending a
/// batch to a client receiving the update that holds it) and, given the server's pid, its CPU and memory.
/// </summary>
internal static class LiveLoad
{
    public static Command Create()
    {
        var url = LoadTarget.Url("the gateway's HTTP address (loopback)");
        var grpc = new Option<string>("--grpc") { DefaultValueFactory = _ => "http://127.0.0.1:5081", Description = "the gateway's gRPC address (loopback)" };
        var key = LoadTarget.ApiKey();
        var instruments = new Option<int>("--instruments") { DefaultValueFactory = _ => 100 };
        var rate = new Option<int>("--rate") { DefaultValueFactory = _ => 100_000, Description = "ticks per second over all instruments" };
        var batchMs = new Option<int>("--batch-ms") { DefaultValueFactory = _ => 20, Description = "each instrument gets one batch this often" };
        var clients = new Option<int>("--clients") { DefaultValueFactory = _ => 1000 };
        var subscriptions = new Option<int>("--subscriptions") { DefaultValueFactory = _ => 1, Description = "subscriptions on each connection, each to the next instrument round-robin (a chart gateway multiplexes many on one connection)" };
        var slow = new Option<int>("--slow-clients") { DefaultValueFactory = _ => 0, Description = "extra clients that subscribe and never read" };
        var tf = new Option<string>("--tf") { DefaultValueFactory = _ => "1m" };
        var seconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 30 };
        var pid = LoadTarget.ServerPid();
        var command = new Command("live", "Ingest live ticks and measure delivery to WebSocket subscribers of a service on this machine.") { url, grpc, key, instruments, rate, batchMs, clients, subscriptions, slow, tf, seconds, pid };

        command.SetAction((parse, cancellation) => RunAsync(
            new Settings(new Uri(parse.GetValue(url)!), new Uri(parse.GetValue(grpc)!), parse.GetRequiredValue(key), parse.GetValue(instruments), parse.GetValue(rate),
                parse.GetValue(batchMs), parse.GetValue(clients), Math.Max(1, parse.GetValue(subscriptions)), parse.GetValue(slow), parse.GetValue(tf)!, Math.Clamp(parse.GetValue(seconds), 1, 900), parse.GetValue(pid)),
            cancellation));
        return command;
    }

    private sealed record Settings(Uri Http, Uri Grpc, string ApiKey, int Instruments, int Rate, int BatchMs, int Clients, int Subscriptions, int SlowClients, string Timeframe, int Seconds, int? ServerPid);

    private static async Task<int> RunAsync(Settings s, CancellationToken cancellation)
    {
        if (!s.Http.IsLoopback || !s.Grpc.IsLoopback)
        {
            Console.Error.WriteLine("live only loads a service on this machine (loopback addresses)");
            return 2;
        }

        // Fresh instruments each run, as trade ids start at 1 again.
        var run = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 1_000_000;
        var ids = Enumerable.Range(0, s.Instruments).Select(i => $"LOAD:R{run}I{i:D4}").ToArray();
        using var http = LoadTarget.Client("live", s.Http, s.ApiKey)!;
        foreach (var id in ids)
        {
            await LoadTarget.DefineAsync(http, id, "0.01", "0.001", cancellation);
        }

        var sent = new SentBatches();
        var latency = new LongHistogram(60_000_000, 3);
        long delivered = 0;
        var ws = new UriBuilder(s.Http) { Scheme = "ws", Path = "/ws" }.Uri;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var readers = new List<Task>();
        var sockets = new List<ClientWebSocket>();
        for (var c = 0; c < s.Clients + s.SlowClients; c++)
        {
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(ws, cancellation);
            // Subscription k (id k + 1) of this connection follows the instrument at its round-robin place.
            var followed = Enumerable.Range(0, s.Subscriptions).Select(k => ids[(c * s.Subscriptions + k) % ids.Length]).ToArray();
            for (var k = 0; k < followed.Length; k++)
            {
                var subscribe = $"{{\"op\":\"subscribe\",\"id\":{k + 1},\"instrument\":\"{followed[k]}\",\"tf\":\"{s.Timeframe}\",\"history\":1}}";
                await socket.SendAsync(Encoding.UTF8.GetBytes(subscribe), WebSocketMessageType.Text, true, cancellation);
            }

            sockets.Add(socket);
            if (c < s.Clients)
            {
                readers.Add(Task.Run(() => ReadAsync(socket, followed, sent, latency, () => Interlocked.Increment(ref delivered), stop.Token), CancellationToken.None));
            }
        }

        Console.WriteLine($"{s.Clients} clients (+{s.SlowClients} that never read) with {s.Subscriptions} subscriptions each on {s.Instruments} instruments; ingesting {s.Rate} ticks/s for {s.Seconds} s");
        await Task.Delay(1000, cancellation);
        var cpuBefore = LoadTarget.Cpu(s.ServerPid);
        Interlocked.Exchange(ref delivered, 0);
        lock (latency)
        {
            latency.Reset();
        }

        var clock = Stopwatch.StartNew();
        var ticks = await IngestAsync(s, ids, sent, TimeSpan.FromSeconds(s.Seconds), cancellation);
        var elapsed = clock.Elapsed.TotalSeconds;
        await Task.Delay(500, cancellation);
        var messages = Interlocked.Read(ref delivered);
        var cpu = LoadTarget.Cpu(s.ServerPid) - cpuBefore;
        stop.Cancel();
        foreach (var socket in sockets)
        {
            socket.Abort();
            socket.Dispose();
        }

        await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
        if (latency.TotalCount == 0)
        {
            Console.Error.WriteLine($"no update reached a client ({messages} messages)");
            return 1;
        }

        lock (latency)
        {
            double Ms(double percentile) => latency.GetValueAtPercentile(percentile) / 1000.0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ingested {ticks / elapsed:F0} ticks/s; delivered {messages / elapsed:F0} messages/s; tick-to-client latency p50 {Ms(50):F2} ms, p99 {Ms(99):F2} ms, p99.9 {Ms(99.9):F2} ms, max {latency.GetMaxValue() / 1000.0:F2} ms ({latency.TotalCount} samples)"));
        }

        if (s.ServerPid is { } serverPid)
        {
            Console.WriteLine(LoadTarget.Usage(serverPid, cpu, elapsed));
        }

        return 0;
    }

    /// <summary>Live batches over a few gRPC ingest streams: every instrument once per batch period, paced to the rate.</summary>
    private static async Task<long> IngestAsync(Settings s, string[] ids, SentBatches sent, TimeSpan duration, CancellationToken cancellation)
    {
        using var channel = GrpcChannel.ForAddress(s.Grpc);
        var client = new CandleService.CandleServiceClient(channel);
        var headers = new Metadata { { "x-api-key", s.ApiKey } };
        var perBatch = Math.Max(1, s.Rate * s.BatchMs / 1000 / ids.Length);
        var streams = Enumerable.Range(0, Math.Min(4, ids.Length)).Select(_ => client.Ingest(headers, cancellationToken: cancellation)).ToArray();
        var tradeIds = new long[ids.Length];
        var bars = new long[ids.Length];
        var counts = new long[ids.Length];
        var prices = Enumerable.Repeat(6_500_000L, ids.Length).ToArray();
        var random = new Random(7);
        long total = 0;
        var clock = Stopwatch.StartNew();
        for (var round = 0L; clock.Elapsed < duration; round++)
        {
            var due = TimeSpan.FromMilliseconds(round * s.BatchMs);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancellation);
            }

            await Task.WhenAll(streams.Select(async (stream, shard) =>
            {
                for (var i = shard; i < ids.Length; i += streams.Length)
                {
                    var nowUs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
                    var batch = new IngestBatch { Instrument = ids[i], Live = true };
                    for (var k = 0; k < perBatch; k++)
                    {
                        prices[i] = Math.Max(100, prices[i] + random.Next(-3, 4));
                        batch.Ticks.Add(new Tick { Id = ++tradeIds[i], TimeUs = nowUs, P = (prices[i] / 100m).ToString("0.00", CultureInfo.InvariantCulture), Q = "0.010", Side = k % 2 == 0 ? "buy" : "sell" });
                    }

                    var bar = nowUs / 60_000_000 * 60_000;
                    (bars[i], counts[i]) = bar == bars[i] ? (bar, counts[i] + perBatch) : (bar, perBatch);
                    sent.Record(ids[i], bar, counts[i]);
                    await stream.RequestStream.WriteAsync(batch, cancellation);
                }
            }));
            total += (long)perBatch * ids.Length;
        }

        foreach (var stream in streams)
        {
            await stream.RequestStream.CompleteAsync();
            await stream.ResponseAsync;
            stream.Dispose();
        }

        return total;
    }

    /// <summary>Reads updates; for each whose bar holds a batch this tool sent, records the time since that batch went out.</summary>
    private static async Task ReadAsync(ClientWebSocket socket, string[] followed, SentBatches sent, LongHistogram latency, Action onMessage, CancellationToken cancellation)
    {
        var buffer = new byte[1 << 16];
        while (!cancellation.IsCancellationRequested)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellation);
                length += result.Count;
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            onMessage();
            if (UpdateOf(buffer.AsSpan(0, length)) is { } bar && bar.Id >= 1 && bar.Id <= followed.Length
                && sent.SentAt(followed[bar.Id - 1], bar.T, bar.N) is { } at)
            {
                lock (latency)
                {
                    latency.RecordValue((long)Stopwatch.GetElapsedTime(at, now).TotalMicroseconds);
                }
            }
        }
    }

    /// <summary>An update's subscription id, bar time and trade count: the count says which batch of that bar it is current with.</summary>
    private static (int Id, long T, long N)? UpdateOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        long t = -1, n = -1;
        var id = 0;
        var isUpdate = false;
        var depth = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject: depth++; break;
                case JsonTokenType.EndObject: depth--; break;
                case JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals("type"):
                    reader.Read();
                    isUpdate = reader.ValueTextEquals("update");
                    break;
                case JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals("id"):
                    reader.Read();
                    id = reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : 0;
                    break;
                case JsonTokenType.PropertyName when depth == 2 && reader.ValueTextEquals("t"):
                    reader.Read();
                    t = reader.GetInt64();
                    break;
                case JsonTokenType.PropertyName when depth == 2 && reader.ValueTextEquals("n"):
                    reader.Read();
                    n = reader.GetInt64();
                    break;
            }
        }

        return isUpdate && t >= 0 && n > 0 ? (id, t, n) : null;
    }
}

/// <summary>When each batch was sent, by instrument, 1m bar and the bar's trade count after it (1m: one bar per minute).</summary>
internal sealed class SentBatches
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Instrument, long Bar, long Count), long> _sent = new();

    public void Record(string instrument, long bar, long count) => _sent[(instrument, bar, count)] = Stopwatch.GetTimestamp();

    public long? SentAt(string instrument, long bar, long count) => _sent.TryGetValue((instrument, bar, count), out var at) ? at : null;
}
