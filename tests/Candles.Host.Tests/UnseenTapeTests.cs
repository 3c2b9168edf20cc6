using System.Globalization;
using System.IO.Compression;
using System.Text;
using Candles.Testing;

namespace Candles.Host.Tests;

/// <summary>
/// Tapes the golden files never saw — other tick sizes and quantity steps, millisecond times, other zones,
/// daylight-saving changes (one with no local midnight) and month ends, duplicates and out-of-order lines —
/// through the aggregate verb, checked against <see cref="ReferenceOracle"/>.
/// </summary>
public class UnseenTapeTests
{
    public sealed record TapeCase(string Name, string TickSize, string QuantityStep, long MaxQuantitySteps, long BasePriceTicks, bool Milliseconds, bool Gzip, string Zone, string Start, int Days, bool Disorder);

    private static readonly TapeCase[] Tapes =
    [
        new("pepe-ms-sydney", "0.00000001", "1", 10_000_000_000, 1234, Milliseconds: true, Gzip: true, "Australia/Sydney", "2026-03-28T00:00:00Z", 10, Disorder: false),
        new("half-tick-santiago", "0.5", "0.001", 50_000, 60_000, Milliseconds: false, Gzip: false, "America/Santiago", "2026-08-28T00:00:00Z", 11, Disorder: false),
        new("five-tick-new-york-disorder", "5", "0.01", 1_000, 13_000, Milliseconds: false, Gzip: true, "America/New_York", "2026-10-28T00:00:00Z", 7, Disorder: true),
        new("kolkata-leap-day", "0.0001", "0.1", 10_000, 2_500_000, Milliseconds: true, Gzip: false, "Asia/Kolkata", "2028-02-25T00:00:00Z", 7, Disorder: false),
    ];

    public static TheoryData<string> Names => new(Tapes.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void CandlesOfEveryTimeframeEqualTheOracle(string name)
    {
        var (tape, trades, folder) = Prepare(name);
        string[] timeframes = ["1m", "7m", "90m", "1h", "5h", "1d", "1w", "1M"];
        var (exitCode, output, error) = Aggregate(tape, "--tf", string.Join(',', timeframes), "--tz", tape.Zone, "--out", folder);
        Assert.True(exitCode == 0, error);
        foreach (var timeframe in timeframes)
        {
            var zone = timeframe is "1d" or "1w" or "1M" ? tape.Zone : "UTC";
            var file = Path.Combine(folder, $"candles_{timeframe}_{zone.Replace('/', '-')}.csv");
            CsvAssert.Equal(ReferenceOracle.Candles(trades, timeframe, zone), File.ReadAllLines(file), $"{name} {timeframe}");
        }

        if (tape.Disorder)
        {
            Assert.Matches(@"[1-9]\d* amended late, [1-9]\d* duplicates ignored", output);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void FootprintsAndProfilesEqualTheOracle(string name)
    {
        var (tape, trades, folder) = Prepare(name);
        var tick = decimal.Parse(tape.TickSize, CultureInfo.InvariantCulture);
        var step = (tick * 10).ToString(CultureInfo.InvariantCulture);
        foreach (var (kind, timeframe, stepText) in new[] { ("footprint", "1h", step), ("footprint", "1d", null), ("profile", "1h", null), ("profile", "4h", step) })
        {
            var file = Path.Combine(folder, $"{kind}-{timeframe}.csv");
            List<string> args = ["--tf", timeframe, "--tz", tape.Zone, "--" + kind, "--out", file];
            if (stepText is not null)
            {
                args.AddRange(["--step", stepText]);
            }

            var (exitCode, _, error) = Aggregate(tape, [.. args]);
            Assert.True(exitCode == 0, error);
            var grid = stepText is null ? tick : decimal.Parse(stepText, CultureInfo.InvariantCulture);
            var zone = timeframe == "1d" ? tape.Zone : "UTC";
            var expected = kind == "footprint"
                ? ReferenceOracle.Footprints(trades, timeframe, zone, grid)
                : ReferenceOracle.Profiles(trades, timeframe, zone, grid);
            CsvAssert.Equal(expected, File.ReadAllLines(file), $"{name} {kind} {timeframe} step {grid}");
        }
    }

    private static (int ExitCode, string Output, string Error) Aggregate(TapeCase tape, params string[] args) =>
        AggregateVerb.Run(["aggregate", "--file", TapePath(tape), "--tick-size", tape.TickSize, "--qty-step", tape.QuantityStep, .. args]);

    private static (TapeCase Tape, List<ReferenceOracle.Trade> Trades, string Folder) Prepare(string name)
    {
        var tape = Tapes.Single(t => t.Name == name);
        var trades = Generated(tape);
        return (tape, trades, AggregateVerb.TempFolder());
    }

    private static string TapePath(TapeCase tape) => Path.Combine(Path.GetTempPath(), "candles-tests", $"{tape.Name}.csv{(tape.Gzip ? ".gz" : string.Empty)}");

    /// <summary>Generates the tape (seeded by its name, so every run sees the same one), writes it, and returns its lines as trades.</summary>
    private static List<ReferenceOracle.Trade> Generated(TapeCase tape)
    {
        var random = new Random(tape.Name.Length * 7919);
        var tick = decimal.Parse(tape.TickSize, CultureInfo.InvariantCulture);
        var quantityStep = decimal.Parse(tape.QuantityStep, CultureInfo.InvariantCulture);
        var start = DateTimeOffset.Parse(tape.Start, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() * 1000;
        var end = start + (tape.Days * 86_400_000_000L);
        var trades = new List<ReferenceOracle.Trade>();
        long id = 5_000_000;
        var price = tape.BasePriceTicks;
        for (var time = start; time < end;)
        {
            // Bursts on one timestamp, ordinary gaps, and now and then a quiet hour.
            var roll = random.Next(100);
            time += roll < 30 ? 0 : roll < 98 ? random.NextInt64(1, 90_000_000) : random.NextInt64(1, 7_200_000_000);
            var timeUs = tape.Milliseconds ? time / 1000 * 1000 : time;
            price = Math.Max(1, price + random.Next(-3, 4));
            trades.Add(new(id++, price * tick, random.NextInt64(1, tape.MaxQuantitySteps + 1) * quantityStep, timeUs, random.Next(2) == 0));
        }

        var lines = trades.Select(t => t).ToList();
        if (tape.Disorder)
        {
            for (var i = 0; i < lines.Count / 50; i++)
            {
                var a = random.Next(lines.Count - 40);
                var b = a + random.Next(1, 40);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                lines.Insert(random.Next(lines.Count), lines[random.Next(lines.Count)]);
            }
        }

        Write(tape, lines);
        return trades;
    }

    private static void Write(TapeCase tape, List<ReferenceOracle.Trade> lines)
    {
        var path = TapePath(tape);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        using Stream stream = tape.Gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        using var writer = new StreamWriter(stream, new UTF8Encoding(false));
        foreach (var t in lines)
        {
            var time = tape.Milliseconds ? t.TimeUs / 1000 : t.TimeUs;
            writer.Write(FormattableString.Invariant($"{t.Id},{t.Price},{t.Quantity},{t.Price * t.Quantity},{time},{(t.BuyerIsMaker ? "True" : "False")},True\n"));
        }
    }
}
