using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text;

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
    public static Command Create()
    {
        var command = new Command("capacity", "Measure the resident memory liquid and quiet instruments cost a service on this machine.");
        var url = new Option<string>("--url") { DefaultValueFactory = _ => "http://127.0.0.1:5080", Description = "the service's HTTP address (loopback)" };
        var key = new Option<string>("--api-key") { Required = true };
        var pid = new Option<int>("--server-pid") { Required = true };
        var tape = new Option<string>("--tape") { Required = true, Description = "a Binance trades CSV (.csv.gz) for the liquid instruments" };
        var tickSize = new Option<string>("--tick-size") { DefaultValueFactory = _ => "0.01" };
        var qtyStep = new Option<string>("--qty-step") { DefaultValueFactory = _ => "0.00001" };
        var liquid = new Option<int>("--liquid") { DefaultValueFactory = _ => 3 };
        var quiet = new Option<int>("--quiet") { DefaultValueFactory = _ => 2000 };
        var gcHeap = new Option<bool>("--gc-heap") { Description = "also report the managed heap after a full collection (dotnet-gcdump)" };
        var days = new Option<int>("--days") { DefaultValueFactory = _ => 0, Description = "fill this many days of each liquid instrument's history: the tape repeated back to back, later copies shifted in time and trade id (0: the tape as it is)" };
        var idle = new Option<int>("--idle-wait") { DefaultValueFactory = _ => 0, Description = "seconds to wait for the quiet instruments to be deactivated (the service's Candles:Silo:IdleDeactivation and more)" };
        foreach (var option in new Option[] { url, key, pid, tape, tickSize, qtyStep, liquid, quiet, idle, days, gcHeap })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellation) => RunAsync(
            new Uri(parse.GetValue(url)!), parse.GetRequiredValue(key), parse.GetRequiredValue(pid), parse.GetRequiredValue(tape), parse.GetValue(tickSize)!,
            parse.GetValue(qtyStep)!, Math.Clamp(parse.GetValue(liquid), 0, 100), Math.Clamp(parse.GetValue(quiet), 0, 100_000), Math.Clamp(parse.GetValue(idle), 0, 3600),
            Math.Clamp(parse.GetValue(days), 0, 366), parse.GetValue(gcHeap), cancellation));
        return command;
    }

    private static async Task<int> RunAsync(
        Uri url, string apiKey, int pid, string tape, string tickSize, string qtyStep, int liquid, int quiet, int idleWait, int days, bool gcHeap, CancellationToken cancellation)
    {
        using var http = LoadTarget.Client("capacity", url, apiKey, timeout: TimeSpan.FromMinutes(5));
        if (http is null)
        {
            return 2;
        }

        var run = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 1_000_000;
        var start = await MeasureAsync(pid, gcHeap, cancellation);
        Console.WriteLine($"service at start: {start}");

        if (liquid > 0)
        {
            var lines = days > 0 ? Repeated(ReadLines(tape), days) : ReadLines(tape);
            var spanDays = TimeSpan.FromMilliseconds(SpanMs(lines)).TotalDays;
            for (var i = 0; i < liquid; i++)
            {
                var instrument = $"LOAD:C{run}L{i}";
                await LoadTarget.DefineAsync(http, instrument, tickSize, qtyStep, cancellation);
                for (var at = 0; at < lines.Count; at += 20_000)
                {
                    var batch = string.Join('\n', lines.Skip(at).Take(20_000)) + "\n";
                    var last = at + 20_000 >= lines.Count;
                    using var content = new StringContent(batch, Encoding.ASCII, "text/csv");
                    using var response = await http.PostAsync($"api/v1/ingest?instrument={instrument}&flush={(last ? "true" : "false")}", content, cancellation);
                    response.EnsureSuccessStatusCode();
                }
            }

            var withLiquid = await MeasureAsync(pid, gcHeap, cancellation);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{liquid} liquid instruments ({lines.Count:N0} trades each over {spanDays:F2} days): {withLiquid}; each {withLiquid.Minus(start, liquid)}"));
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

    private static List<string> ReadLines(string path)
    {
        using var file = File.OpenRead(path);
        using var text = new StreamReader(path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file);
        var lines = new List<string>();
        while (text.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>
    /// The tape back to back until it covers <paramref name="days"/> days from its first trade, cut there: each copy is
    /// shifted by the tape's length in whole days and its trade ids by the tape's id range, so every copy's trades are
    /// new trades at the same times of day.
    /// </summary>
    private static List<string> Repeated(List<string> tape, int days)
    {
        var trades = tape.Where(line => line.Length > 0 && char.IsAsciiDigit(line[0])).Select(TapeTrade.Parse).ToList();
        var first = trades.Min(t => t.TimeMs);
        var shiftDays = Math.Max(1, (long)Math.Ceiling((trades.Max(t => t.TimeMs) - first + 1) / 86_400_000.0));
        var idRange = trades.Max(t => t.Id) - trades.Min(t => t.Id) + 1;
        var end = first + (days * 86_400_000L);
        var lines = new List<string>();
        for (var copy = 0L; first + (copy * shiftDays * 86_400_000L) < end; copy++)
        {
            foreach (var trade in trades)
            {
                var shifted = trade.Shifted(copy * shiftDays * 86_400_000L, copy * idRange);
                if (shifted.TimeMs < end)
                {
                    lines.Add(shifted.Line);
                }
            }
        }

        return lines;
    }

    private static long SpanMs(List<string> lines) =>
        lines.Count == 0 ? 0 : TapeTrade.Parse(lines[^1]).TimeMs - TapeTrade.Parse(lines[0]).TimeMs;

    /// <summary>A Binance trades line with its id and time (ms or µs, as the file gives them) pulled out.</summary>
    private sealed record TapeTrade(long Id, long Time, bool Micros, string[] Fields)
    {
        public long TimeMs => Micros ? Time / 1000 : Time;

        public string Line => string.Join(',', Fields);

        public static TapeTrade Parse(string line)
        {
            var fields = line.Split(',');
            var time = long.Parse(fields[4], CultureInfo.InvariantCulture);
            return new TapeTrade(long.Parse(fields[0], CultureInfo.InvariantCulture), time, time >= 100_000_000_000_000, fields);
        }

        public TapeTrade Shifted(long byMs, long byId)
        {
            var fields = (string[])Fields.Clone();
            fields[0] = (Id + byId).ToString(CultureInfo.InvariantCulture);
            fields[4] = (Time + (Micros ? byMs * 1000 : byMs)).ToString(CultureInfo.InvariantCulture);
            return new TapeTrade(Id + byId, Time + (Micros ? byMs * 1000 : byMs), Micros, fields);
        }
    }

    /// <summary>The server's resident memory once it has stopped moving much (10 s at most), after its pending work.</summary>
    private static async Task<long> SettledRssAsync(int pid, CancellationToken cancellation)
    {
        var last = LiveLoad.Rss(pid);
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(1000, cancellation);
            var now = LiveLoad.Rss(pid);
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
