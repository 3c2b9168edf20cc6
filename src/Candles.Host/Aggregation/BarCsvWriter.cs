using System.Globalization;
using Candles.Core.Bars;
using Candles.Core.Instruments;

namespace Candles.Host.Aggregation;

/// <summary>
/// Writes bars as CSV in the golden files' layout. Prices carry the tick size's decimal places, volumes the
/// quantity step's, quote volume both together; times are Unix milliseconds.
/// </summary>
public static class BarCsvWriter
{
    public const string CandleHeader = "open_time,open,high,low,close,volume,buy_volume,sell_volume,quote_volume,trades,first_trade_id,last_trade_id";
    public const string FootprintHeader = "open_time,price,buy_volume,sell_volume,trades";
    public const string ProfileHeader = "open_time,poc,vah,val,delta,volume";

    public static void WriteCandles(TextWriter writer, Instrument instrument, IEnumerable<Bar> bars)
    {
        writer.Write(CandleHeader + "\n");
        foreach (var candle in bars.Select(bar => bar.Candle))
        {
            writer.Write(string.Join(
                ',',
                Integer(candle.OpenTimeMs),
                instrument.FormatPrice(candle.Open),
                instrument.FormatPrice(candle.High),
                instrument.FormatPrice(candle.Low),
                instrument.FormatPrice(candle.Close),
                instrument.FormatQuantity(candle.Volume),
                instrument.FormatQuantity(candle.BuyVolume),
                instrument.FormatQuantity(candle.SellVolume),
                instrument.FormatQuoteVolume(candle.QuoteVolume),
                Integer(candle.Trades),
                Integer(candle.FirstTradeId),
                Integer(candle.LastTradeId)));
            writer.Write('\n');
        }
    }

    public static void WriteFootprints(TextWriter writer, Instrument instrument, IEnumerable<Bar> bars)
    {
        writer.Write(FootprintHeader + "\n");
        foreach (var bar in bars)
        {
            var openTime = Integer(bar.Candle.OpenTimeMs);
            foreach (var level in bar.Footprint.Levels)
            {
                writer.Write(string.Join(
                    ',',
                    openTime,
                    instrument.FormatPrice(level.Price),
                    instrument.FormatQuantity(level.BuyVolume),
                    instrument.FormatQuantity(level.SellVolume),
                    Integer(level.Trades)));
                writer.Write('\n');
            }
        }
    }

    public static void WriteProfiles(TextWriter writer, Instrument instrument, IEnumerable<Bar> bars, int valueAreaPercent)
    {
        writer.Write(ProfileHeader + "\n");
        foreach (var bar in bars)
        {
            var footprint = bar.Footprint;
            if (footprint.PointOfControl is not { } poc || footprint.ValueArea(valueAreaPercent) is not { } area)
            {
                continue;
            }

            writer.Write(string.Join(
                ',',
                Integer(bar.Candle.OpenTimeMs),
                instrument.FormatPrice(poc.Price),
                instrument.FormatPrice(area.High),
                instrument.FormatPrice(area.Low),
                instrument.FormatQuantity(footprint.Delta),
                instrument.FormatQuantity(footprint.Volume)));
            writer.Write('\n');
        }
    }

    private static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);
}
