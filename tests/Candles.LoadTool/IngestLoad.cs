using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Candles.Core.Instruments;
using Candles.Core.Ticks;
using Candles.Ingest.Replay;
using HdrHistogram;

namespace Candles.LoadTool;

/// <summary>
/// <c>ingest</c>: as many ticks as a running service takes, over N fresh instruments, through its REST ingest (CSV
/// batches of historical trades, as <c>replay</c> sends them), for a bounded time. Each instrument's tape is written
/// on the fly (ids ascending, one trade a millisecond, a random walk of prices): nothing is held in memory. Reports,
/// every 10 s and overall: ticks/s applied (as the service's answers count them), how long batches took from being sent
/// to being answered (HdrHistogram percentiles: how far behind the service runs; lag that grows shows here first), and
/// the service's CPU and resident memory, in all and per instrument.
/// </summary>
internal static class IngestLoad
{
    private const string TickSize = "0.01";
    private const string QtyStep = "0.001";

    public static Command Create()
    {
        var url = LoadTarget.Url();
        var key = LoadTarget.ApiKey();
        var instruments = new Option<int>("--instruments") { DefaultValueFactory = _ => 100 };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 5000, Description = "ticks per request" };
        var connections = new Option<int>("--connections") { DefaultValueFactory = _ => 8, Description = "requests in flight at once" };
        var seconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 60 };
        var pid = LoadTarget.ServerPid();
        var command = new Command("ingest", "Ingest as fast as a service on this machine takes it, over N instruments, for a bounded time.") { url, key, instruments, batch, connections, seconds, pid };

        command.SetAction((parse, cancellation) => RunAsync(
            new Uri(parse.GetValue(url)!), parse.GetRequiredValue(key), Math.Clamp(parse.GetValue(instruments), 1, 10_000), Math.Clamp(parse.GetValue(batch), 1, 100_000),
            Math.Clamp(parse.GetValue(connections), 1, 256), Math.Clamp(parse.GetValue(seconds), 1, 3600), parse.GetValue(pid), cancellation));
        return command;
    }

    private static async Task<int> RunAsync(Uri url, string apiKey, int instruments, int batch, int connections, int seconds, int? pid, CancellationToken cancellation)
    {
        using var http = LoadTarget.Client("ingest", url, apiKey, new SocketsHttpHandler { MaxConnectionsPerServer = connections });
        if (http is null)
        {
            return 2;
        }

        var run = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 1_000_000;
        var tapes = Enumerable.Range(0, instruments).Select(i => new Tape($"LOAD:I{run}N{i:D4}", i)).ToArray();
        foreach (var tape in tapes)
        {
            await LoadTarget.DefineAsync(http, tape.Instrument, TickSize, QtyStep, cancellation);
        }

        Console.WriteLine($"{instruments} instruments, batches of {batch} ticks, {connections} requests in flight, {seconds} s");
        long accepted = 0;
        long refused = 0;
        var cpuBefore = LoadTarget.Cpu(pid);
        var clock = Stopwatch.StartNew();
        var lastAnswer = new long[connections];
        var answers = new Answers();
        var report = Task.Run(async () =>
        {
            long before = 0;
            var cpuWindow = cpuBefore;
            for (var window = 1; window * 10 <= seconds; window++)
            {
                await Task.Delay(TimeSpan.FromSeconds(10) * window - clock.Elapsed, cancellation).ContinueWith(_ => { }, TaskScheduler.Default);
                var now = Interlocked.Read(ref accepted);
                var cpu = LoadTarget.Cpu(pid);
                var server = pid is { } p ? $"; {LoadTarget.Usage(p, cpu - cpuWindow, 10, instruments)}" : string.Empty;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,5:F0} s: {(now - before) / 10.0,12:N0} ticks/s; batches answered in {answers.TakeWindow()}{server}"));
                before = now;
                cpuWindow = cpu;
            }
        }, cancellation);

        // Each sender takes the instruments i ≡ its number (mod connections) in turn: one batch in flight per instrument.
        await Task.WhenAll(Enumerable.Range(0, connections).Select(sender => Task.Run(async () =>
        {
            var mine = tapes.Where((_, i) => i % connections == sender).ToArray();
            for (var turn = 0; clock.Elapsed.TotalSeconds < seconds && mine.Length > 0; turn++)
            {
                var tape = mine[turn % mine.Length];
                using var content = new ByteArrayContent(tape.Next(batch));
                content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
                var sent = clock.ElapsedMilliseconds;
                using var response = await http.PostAsync($"api/v1/ingest?instrument={tape.Instrument}", content, cancellation);
                response.EnsureSuccessStatusCode();
                lastAnswer[sender] = clock.ElapsedMilliseconds - sent;
                answers.Record(lastAnswer[sender]);
                using var report = await System.Text.Json.JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellation), cancellationToken: cancellation);
                var applied = report.RootElement.GetProperty("applied").GetInt32();
                Interlocked.Add(ref accepted, applied);
                Interlocked.Add(ref refused, batch - applied);
            }
        }, cancellation)));
        var elapsed = clock.Elapsed.TotalSeconds;
        await report;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ingested {accepted / elapsed:N0} ticks/s over {elapsed:F0} s ({accepted:N0} ticks applied, {refused:N0} not); batches answered in {answers.Overall()}; the last batches in {lastAnswer.Max()} ms at most"));
        if (pid is { } serverPid)
        {
            Console.WriteLine(LoadTarget.Usage(serverPid, LoadTarget.Cpu(serverPid) - cpuBefore, elapsed, instruments));
        }

        return 0;
    }

    /// <summary>Batch answer times, ms: over the whole run and over the current 10 s window.</summary>
    private sealed class Answers
    {
        private readonly LongHistogram _overall = new(3_600_000, 3);
        private readonly LongHistogram _window = new(3_600_000, 3);

        public void Record(long ms)
        {
            lock (_overall)
            {
                _overall.RecordValue(Math.Max(0, ms));
                _window.RecordValue(Math.Max(0, ms));
            }
        }

        /// <summary>The window's percentiles, and a fresh window begun.</summary>
        public string TakeWindow()
        {
            lock (_overall)
            {
                var said = Percentiles(_window);
                _window.Reset();
                return said;
            }
        }

        public string Overall()
        {
            lock (_overall)
            {
                return Percentiles(_overall);
            }
        }

        private static string Percentiles(LongHistogram h) => h.TotalCount == 0 ? "(none answered)" : string.Create(CultureInfo.InvariantCulture,
            $"p50 {h.GetValueAtPercentile(50)} ms, p99 {h.GetValueAtPercentile(99)} ms, max {h.GetMaxValue()} ms");
    }

    /// <summary>One instrument's endless tape in Binance's CSV layout: one trade a millisecond from a week ago.</summary>
    private sealed class Tape(string instrument, int seed)
    {
        private static readonly Instrument Grid = new(InstrumentId.Parse("LOAD:TAPE"), Increment.Parse(TickSize), Increment.Parse(QtyStep));
        private readonly Random _random = new(seed);
        private readonly BinanceTradeCsvWriter _writer = new(Grid);
        private long _id;
        private long _timeUs = (DateTimeOffset.UtcNow.AddDays(-6).ToUnixTimeMilliseconds() / 60_000 * 60_000) * 1000;
        private long _price = 6_500_000;

        public string Instrument { get; } = instrument;

        /// <summary>The next <paramref name="count"/> trades as CSV lines (<see cref="BinanceTradeCsvWriter"/>).</summary>
        public byte[] Next(int count)
        {
            for (var i = 0; i < count; i++)
            {
                _price = Math.Max(100, _price + _random.Next(-2, 3));
                _timeUs += 1000;
                var quantity = _random.Next(1, 5000);
                _writer.Append(new Tick(++_id, _timeUs, _price, quantity, (quantity & 1) == 0 ? AggressorSide.Sell : AggressorSide.Buy));
            }

            return _writer.TakeBytes();
        }
    }
}
