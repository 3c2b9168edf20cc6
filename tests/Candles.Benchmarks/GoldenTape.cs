using Candles.Core.Bars;
using Candles.Core.Building;
using Candles.Core.Instruments;
using Candles.Core.Ticks;
using Candles.Core.Timeframes;
using Candles.Ingest.Replay;
using Candles.Testing;
using NodaTime;

namespace Candles.Benchmarks;

/// <summary>The golden BTCUSDT tape, loaded once per benchmark process.</summary>
public static class GoldenTape
{
    public static readonly Instrument Btc = new(InstrumentId.Parse("BINANCE:BTCUSDT"), Increment.Parse(GoldenFiles.TickSize), Increment.Parse(GoldenFiles.QuantityStep));

    private static readonly Lazy<byte[]> LazyCsv = new(() =>
    {
        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(GoldenFiles.Tape), System.IO.Compression.CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    });

    private static readonly Lazy<Tick[]> LazyTicks = new(() =>
    {
        var ticks = new List<Tick>();
        using var reader = new BinanceTradeCsvReader(new MemoryStream(Csv), Btc);
        while (reader.TryRead(out var tick))
        {
            ticks.Add(tick);
        }

        return [.. ticks];
    });

    private static readonly Lazy<IReadOnlyList<Bar>> LazyMinuteBars = new(() => Build(Ticks));

    /// <summary>The tape as plain CSV bytes.</summary>
    public static byte[] Csv => LazyCsv.Value;

    public static byte[] Gzip { get; } = File.ReadAllBytes(GoldenFiles.Tape);

    public static Tick[] Ticks => LazyTicks.Value;

    public static IReadOnlyList<Bar> MinuteBars => LazyMinuteBars.Value;

    /// <summary>The tape's 1m bars, every one an object unless <paramref name="unpackedSpan"/> (as the service holds them) is given.</summary>
    public static IReadOnlyList<Bar> Build(Tick[] ticks, TimeSpan? unpackedSpan = null) => Builder(ticks, unpackedSpan).ClosedBars;

    /// <summary>A builder fed the whole tape and flushed: bars opening within <paramref name="unpackedSpan"/> of the newest as objects, older footprints packed (null: all objects).</summary>
    public static BarBuilder Builder(Tick[] ticks, TimeSpan? unpackedSpan)
    {
        var builder = new BarBuilder(BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc), new BarBuilderOptions { Retention = null, UnpackedSpan = unpackedSpan });
        foreach (var tick in ticks)
        {
            builder.Update(tick);
        }

        builder.Flush();
        return builder;
    }
}
