using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Candles.Core.Instruments;
using Candles.Core.Ticks;
using Candles.Ingest.Replay;

// tape: a seeded synthetic tape in Binance's CSV layout. latency: p50/p90/p99 of one GET, sequential, for a bounded time.
var tape = new Command("tape", "Write a synthetic trades tape (Binance CSV, gzip).");
var days = new Option<int>("--days") { DefaultValueFactory = _ => 43 };
var perDay = new Option<int>("--trades-per-day") { DefaultValueFactory = _ => 4320 };
var output = new Option<string>("--out") { Required = true };
var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 7 };
tape.Options.Add(days);
tape.Options.Add(perDay);
tape.Options.Add(output);
tape.Options.Add(seed);
tape.SetAction(parse =>
{
    var random = new Random(parse.GetValue(seed));
    var instrument = new Instrument(InstrumentId.Parse("LOAD:TAPE"), Increment.Parse("0.01"), Increment.Parse("0.00001"));
    var writer = new BinanceTradeCsvWriter(instrument);
    var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000;
    var count = (long)parse.GetValue(days) * parse.GetValue(perDay);
    var gapUs = 86_400_000_000L / parse.GetValue(perDay);
    long price = 6_500_000;
    using var file = new GZipStream(File.Create(parse.GetRequiredValue(output)), CompressionLevel.Fastest);
    for (long i = 0; i < count; i++)
    {
        price = Math.Max(1, price + random.Next(-5, 6));
        writer.Append(new Tick(i + 1, start + (i * gapUs) + random.Next(0, (int)Math.Min(gapUs, int.MaxValue)), price, random.Next(1, 50_000), random.Next(2) == 0 ? AggressorSide.Buy : AggressorSide.Sell));
        if (writer.Count == 50_000)
        {
            file.Write(writer.TakeBytes());
        }
    }

    file.Write(writer.TakeBytes());
    Console.WriteLine($"{count} trades over {parse.GetValue(days)} days");
});

var latency = new Command("latency", "Measure one GET against a service on this machine, one request at a time.");
var url = new Option<string>("--url") { Required = true, Description = "a loopback URL, e.g. http://127.0.0.1:5080/api/v1/candles?instrument=..&tf=1d&limit=1000" };
var seconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 15 };
latency.Options.Add(url);
latency.Options.Add(seconds);
latency.SetAction(async (parse, cancellation) =>
{
    var target = new Uri(parse.GetRequiredValue(url));
    if (!target.IsLoopback)
    {
        Console.Error.WriteLine("latency only measures a service on this machine (a loopback URL)");
        return 2;
    }

    using var http = new HttpClient();
    var bounded = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(seconds), 1, 300));
    for (var i = 0; i < 50; i++)
    {
        (await http.GetAsync(target, cancellation)).EnsureSuccessStatusCode();
    }

    var samples = new List<double>();
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < bounded)
    {
        var one = Stopwatch.StartNew();
        using var response = await http.GetAsync(target, cancellation);
        _ = await response.Content.ReadAsByteArrayAsync(cancellation);
        samples.Add(one.Elapsed.TotalMilliseconds);
        response.EnsureSuccessStatusCode();
    }

    samples.Sort();
    double At(double q) => samples[(int)Math.Min(samples.Count - 1, q * samples.Count)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{samples.Count} requests: p50 {At(0.50):F2} ms, p90 {At(0.90):F2} ms, p99 {At(0.99):F2} ms, max {samples[^1]:F2} ms"));
    return 0;
});

return await new RootCommand("Load tool for Orleans.Candles.") { tape, latency, Candles.LoadTool.LiveLoad.Create(), Candles.LoadTool.VersusDuckDb.Create(), Candles.LoadTool.Capacity.Create(), Candles.LoadTool.IngestLoad.Create() }.Parse(args).InvokeAsync();
