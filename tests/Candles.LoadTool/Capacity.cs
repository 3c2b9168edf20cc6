using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Candles.Core.Instruments;
using Candles.Core.Ticks;
using Candles.Ingest.Replay;

namespace Candles.LoadTool;

/// <summary>
/// <c>capacity</c>: what instruments cost a running service in resident memory. Liquid: the tape replayed into each of
/// N fresh instruments (all its trades, every minute with a footprint). Quiet: M fresh instruments with one trade an hour
/// for the last 7 days, measured while active and again once the service has deactivated them for being idle. Each
/// figure is the resident set and, with <c>--gc-heap</c>, the managed heap after a full collection as
/// <c>dotnet-gcdump</c> (a local tool of this repository: <c>dotnet tool restore</c>) reports it: what the objects
/// hold, not what the collector has yet to give back.
/// </summary>
internal static class Capacity
{
    private const long DayUs = 86_400_000_000;

    public static Command Create()
    {
        var url = LoadTarget.Url();
        var key = LoadTarget.ApiKey();
        var pid = new Option<int>("--server-pid") { Required = true };
        var tape = new Option<string>("--tape") { Required = true, Description = "a Binance trades CSV (.csv.gz) for the liquid instruments" };
        var tickSize = new Option<string>("--tick-size") { DefaultValueFactory = _ => "0.01" };
        var qtyStep = new Option<string>("--qty-step") { DefaultValueFactory = _ => "0.00001" };
        var liquid = new Option<int>("--liquid") { DefaultValueFactory = _ => 3 };
        var quiet = new Option<int>("--quiet") { DefaultValueFactory = _ => 2000 };
        var gcHeap = new Option<bool>("--gc-heap") { Description = "also report the managed heap after a full collection (dotnet-gcdump)" };
        var days = new Option<int>("--days") { DefaultValueFactory = _ => 0, Description = "fill this many days of each liquid instrument's history: the tape repeated back to back, later copies shifted in time and trade id (0: the tape as it is)" };
        var idle = new Option<int>("--idle-wait") { DefaultValueFactory = _ => 0, Description = "seconds to wait for the quiet instruments to be deactivated (the service's Candles:Silo:IdleDeactivation and more)" };
        var warmUp = new Option<int>("--warm-up") { DefaultValueFactory = _ => 0, Description = "liquid instruments loaded first and not counted, so the measured ones pay no one-time cost of the process (code compiled, pools filled)" };
        var settle = new Option<int>("--settle") { DefaultValueFactory = _ => 0, Description = "seconds to wait after each load before measuring, as a user would look later (the service gives back memory left over from a burst at its next check, Candles:Silo:MemoryReleaseCheck)" };
        var command = new Command("capacity", "Measure the resident memory liquid and quiet instruments cost a service on this machine.") { url, key, pid, tape, tickSize, qtyStep, liquid, quiet, idle, days, gcHeap, warmUp, settle };

        command.SetAction((parse, cancellation) => RunAsync(
            new Uri(parse.GetValue(url)!), parse.GetRequiredValue(key), parse.GetRequiredValue(pid), parse.GetRequiredValue(tape), parse.GetValue(tickSize)!,
            parse.GetValue(qtyStep)!, Math.Clamp(parse.GetValue(liquid), 0, 100), Math.Clamp(parse.GetValue(quiet), 0, 100_000), Math.Clamp(parse.GetValue(idle), 0, 3600),
            Math.Clamp(parse.GetValue(days), 0, 366), parse.GetValue(gcHeap), Math.Clamp(parse.GetValue(warmUp), 0, 100), Math.Clamp(parse.GetValue(settle), 0, 3600), cancellation));
        return command;
    }

    private static async Task<int> RunAsync(
        Uri url, string apiKey, int pid, string tape, string tickSize, string qtyStep, int liquid, int quiet, int idleWait, int days, bool gcHeap, int warmUp, int settle,
        CancellationToken cancellation)
    {
        using var http = LoadTarget.Client("capacity", url, apiKey, timeout: TimeSpan.FromMinutes(5));
        if (http is null)
        {
            return 2;
        }

        var run = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 1_000_000;
        var grid = new Instrument(InstrumentId.Parse("LOAD:TAPE"), Increment.Parse(tickSize), Increment.Parse(qtyStep));
        var ticks = liquid + warmUp > 0 ? (days > 0 ? Repeated(ReadTicks(tape, grid), days) : ReadTicks(tape, grid)) : [];
        var batches = ticks.Chunk(20_000).ToList();
        var spanDays = ticks.Count == 0 ? 0 : (ticks.Max(t => t.TimeUs) - ticks.Min(t => t.TimeUs)) / (double)DayUs;
        if (warmUp > 0)
        {
            var before = await MeasureAsync(pid, gcHeap, cancellation);
            await LoadLiquidAsync(http, $"LOAD:C{run}W", warmUp, batches, grid, cancellation);
            await Task.Delay(TimeSpan.FromSeconds(settle), cancellation);
            var warm = await MeasureAsync(pid, gcHeap, cancellation);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"service at start: {before}; after {warmUp} liquid instruments to warm it up (not counted): {warm}"));
        }

        var start = await MeasureAsync(pid, gcHeap, cancellation);
        Console.WriteLine(warmUp > 0 ? $"counted from: {start}" : $"service at start: {start}");

        if (liquid > 0)
        {
            await LoadLiquidAsync(http, $"LOAD:C{run}L", liquid, batches, grid, cancellation);
            await Task.Delay(TimeSpan.FromSeconds(settle), cancellation);
            var withLiquid = await MeasureAsync(pid, gcHeap, cancellation);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{liquid} liquid instruments ({ticks.Count:N0} trades each over {spanDays:F2} days){(settle > 0 ? $", {settle} s later" : string.Empty)}: {withLiquid}; each {withLiquid.Minus(start, liquid)}"));
            start = withLiquid;
        }

        if (quiet > 0)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 3_600_000 * 3_600_000;
            await Parallel.ForEachAsync(Enumerable.Range(0, quiet), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellation }, async (i, token) =>
            {
                var instrument = $"LOAD:C{run}Q{i}";
                await LoadTarget.DefineAsync(http, instrument, tickSize, qtyStep, token);
                var ticks = Enumerable.Range(0, 7 * 24).Select(h => new { id = h + 1, t = now - ((7 * 24 - h) * 3_600_000L), p = "100.00", q = "0.01000", side = h % 2 == 0 ? "buy" : "sell" });
                using var response = await http.PostAsJsonAsync("api/v1/ingest", new { instrument, flush = true, ticks }, token);
                response.EnsureSuccessStatusCode();
            });

            var active = await MeasureAsync(pid, gcHeap, cancellation);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{quiet} quiet instruments (one trade an hour for 7 days), active: {active}; each {active.Minus(start, quiet)}"));
            if (idleWait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(idleWait), cancellation);
                var idle = await MeasureAsync(pid, gcHeap, cancellation);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"after {idleWait} s idle: {idle}; each {idle.Minus(start, quiet)}"));
            }
        }

        return 0;
    }

    /// <summary>Defines <paramref name="count"/> instruments and replays the whole tape into each, one after the other, as the <c>replay</c> verb sends it.</summary>
    private static async Task LoadLiquidAsync(HttpClient http, string prefix, int count, List<Tick[]> batches, Instrument grid, CancellationToken cancellation)
    {
        var writer = new BinanceTradeCsvWriter(grid);
        for (var i = 0; i < count; i++)
        {
            var instrument = $"{prefix}{i}";
            await LoadTarget.DefineAsync(http, instrument, grid.TickSize.ToString(), grid.QuantityStep.ToString(), cancellation);
            for (var b = 0; b < batches.Count; b++)
            {
                foreach (var tick in batches[b])
                {
                    writer.Append(tick);
                }

                using var content = new ByteArrayContent(writer.TakeBytes());
                content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
                using var response = await http.PostAsync($"api/v1/ingest?instrument={instrument}&flush={(b == batches.Count - 1 ? "true" : "false")}", content, cancellation);
                response.EnsureSuccessStatusCode();
            }
        }
    }

    /// <summary>The tape's trades, read as the service's own replay reads them; a bad line stops the run.</summary>
    private static List<Tick> ReadTicks(string path, Instrument grid)
    {
        using var reader = BinanceTradeCsvReader.Open(path, grid);
        var ticks = new List<Tick>();
        while (reader.TryRead(out var tick))
        {
            ticks.Add(tick);
        }

        return reader.Error is { } error ? throw new InvalidDataException($"{path}: {error}") : ticks;
    }

    /// <summary>
    /// The tape back to back until it covers <paramref name="days"/> days from its first trade, cut there: each copy is
    /// shifted by the tape's length in whole days and its trade ids by the tape's id range, so every copy's trades are
    /// new trades at the same times of day.
    /// </summary>
    private static List<Tick> Repeated(List<Tick> tape, int days)
    {
        var first = tape.Min(t => t.TimeUs);
        var shiftUs = Math.Max(1, (long)Math.Ceiling((tape.Max(t => t.TimeUs) - first + 1) / (double)DayUs)) * DayUs;
        var idRange = tape.Max(t => t.TradeId) - tape.Min(t => t.TradeId) + 1;
        var end = first + (days * DayUs);
        var ticks = new List<Tick>();
        for (var copy = 0L; first + (copy * shiftUs) < end; copy++)
        {
            var (byUs, byId) = (copy * shiftUs, copy * idRange);
            ticks.AddRange(tape.Select(t => t with { TradeId = t.TradeId + byId, TimeUs = t.TimeUs + byUs }).Where(t => t.TimeUs < end));
        }

        return ticks;
    }

    /// <summary>The server's resident memory once it has stopped moving much (10 s at most), after its pending work.</summary>
    private static async Task<long> SettledRssAsync(int pid, CancellationToken cancellation)
    {
        var last = LoadTarget.Rss(pid);
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(1000, cancellation);
            var now = LoadTarget.Rss(pid);
            if (Math.Abs(now - last) < 1 << 20)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    private static async Task<Memory> MeasureAsync(int pid, bool gcHeap, CancellationToken cancellation)
    {
        var heap = gcHeap ? await GcHeapAsync(pid, cancellation) : (long?)null;
        return new Memory(await SettledRssAsync(pid, cancellation), heap);
    }

    /// <summary>The managed heap after the full collection <c>dotnet-gcdump</c> makes to walk it.</summary>
    private static async Task<long> GcHeapAsync(int pid, CancellationToken cancellation)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", ["tool", "run", "dotnet-gcdump", "report", "-p", pid.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        var line = output.Split('\n').FirstOrDefault(l => l.Contains("GC Heap bytes", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"dotnet-gcdump gave no heap size (run dotnet tool restore): {output}");
        return long.Parse(line.Trim().Split(' ')[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    private sealed record Memory(long Resident, long? Heap)
    {
        public override string ToString() => $"{Mib(Resident)} MiB resident" + (Heap is { } heap ? $", {Mib(heap)} MiB managed heap" : string.Empty);

        /// <summary>What each of <paramref name="count"/> instruments added since <paramref name="before"/>.</summary>
        public string Minus(Memory before, int count) =>
            $"{Size((Resident - before.Resident) / count)} resident" + (Heap is { } heap && before.Heap is { } was ? $", {Size((heap - was) / count)} managed heap" : string.Empty);
    }

    private static string Size(long bytes) => Math.Abs(bytes) >= 1 << 20
        ? (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MiB"
        : (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB";

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);
}
