using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Candles.Testing;

/// <summary>
/// Tapes the golden files never saw: other tick sizes and quantity steps, millisecond times, other zones,
/// daylight-saving changes (one with no local midnight) and month ends, duplicates and out-of-order lines. Each
/// is generated from a seed, written in Binance's CSV layout, and returned as trades for <see cref="ReferenceOracle"/>.
/// </summary>
public static class UnseenTapes
{
    public sealed record TapeCase(string Name, string TickSize, string QuantityStep, long MaxQuantitySteps, long BasePriceTicks, bool Milliseconds, bool Gzip, string Zone, string Start, int Days, bool Disorder);

    public static readonly TapeCase[] All =
    [
        new("pepe-ms-sydney", "0.00000001", "1", 10_000_000_000, 1234, Milliseconds: true, Gzip: true, "Australia/Sydney", "2026-03-28T00:00:00Z", 10, Disorder: false),
        new("half-tick-santiago", "0.5", "0.001", 50_000, 60_000, Milliseconds: false, Gzip: false, "America/Santiago", "2026-08-28T00:00:00Z", 11, Disorder: false),
        new("five-tick-new-york-disorder", "5", "0.01", 1_000, 13_000, Milliseconds: false, Gzip: true, "America/New_York", "2026-10-28T00:00:00Z", 7, Disorder: true),
        new("kolkata-leap-day", "0.0001", "0.1", 10_000, 2_500_000, Milliseconds: true, Gzip: false, "Asia/Kolkata", "2028-02-25T00:00:00Z", 7, Disorder: false),
    ];

    public static string PathOf(TapeCase tape) => Path.Combine(Path.GetTempPath(), "candles-tests", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), $"{tape.Name}.csv{(tape.Gzip ? ".gz" : string.Empty)}");

    /// <summary>Generates the named tape (seeded by its name, so every run sees the same one), writes it, and returns its trades.</summary>
    public static (TapeCase Tape, List<ReferenceOracle.Trade> Trades) Generate(string name)
    {
        var tape = All.Single(t => t.Name == name);
        return (tape, Generated(tape));
    }

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
        var path = PathOf(tape);
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
