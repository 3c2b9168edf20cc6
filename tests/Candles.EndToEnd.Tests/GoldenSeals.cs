using System.Globalization;
using Candles.Core.Timeframes;
using Candles.Host.Aggregation;
using Candles.Storage.Sealed;
using Candles.Storage.Sealed.Hosting;
using Candles.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Candles.EndToEnd.Tests;

/// <summary>The golden tape's sealed periods: what the oracle's files say, and what PostgreSQL holds, read with the product's own store.</summary>
internal static class GoldenSeals
{
    /// <summary>The golden tape ends in 2 March 2026: the periods ending by then are the finished ones.</summary>
    public static long TapeEndMs { get; } = DateTimeOffset.Parse("2026-03-03T00:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    /// <summary>The golden rows of the finished periods (those ending by <paramref name="tapeEndMs"/>), in candle columns.</summary>
    public static List<string> Expected(string timeframe, string zone, long tapeEndMs)
    {
        var schedule = BarSchedule.For(Timeframe.Parse(timeframe), TimeZones.Find(zone));
        var lines = File.ReadAllLines(GoldenFiles.PathOf($"candles_{timeframe}_{zone.Replace('/', '-')}.csv"));
        return [lines[0], .. lines.Skip(1).Where(l => schedule.PeriodOf(long.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)).EndMs <= tapeEndMs)];
    }

    /// <summary>The rows PostgreSQL holds for the instrument's series, in the same columns; only the header when nothing is sealed.</summary>
    public static async Task<List<string>> StoredAsync(string postgres, string instrument, string timeframe, string zone)
    {
        await using var services = new ServiceCollection().AddPostgresSealedBarStore(postgres).BuildServiceProvider();
        var store = services.GetRequiredService<ISealedBarStore>();
        var bars = await store.LoadAsync(new SealedSeries(instrument, Timeframe.Parse(timeframe), zone), long.MinValue, long.MaxValue);
        if (await store.FindInstrumentAsync(instrument) is not { } grids)
        {
            return [Expected(timeframe, zone, long.MinValue)[0]];
        }

        var written = new StringWriter();
        BarCsvWriter.WriteCandles(written, grids, bars);
        return [.. written.ToString().TrimEnd('\n').Split('\n')];
    }
}
