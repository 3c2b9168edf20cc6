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
        var line = new CsvLine(writer, instrument);
        foreach (var c in bars.Select(bar => bar.Candle))
        {
            line.Integer(c.OpenTimeMs).Price(c.Open).Price(c.High).Price(c.Low).Price(c.Close)
                .Quantity(c.Volume).Quantity(c.BuyVolume).Quantity(c.SellVolume).QuoteVolume(c.QuoteVolume)
                .Integer(c.Trades).Integer(c.FirstTradeId).Integer(c.LastTradeId).End();
        }
    }

    public static void WriteFootprints(TextWriter writer, Instrument instrument, IEnumerable<Bar> bars)
    {
        writer.Write(FootprintHeader + "\n");
        var line = new CsvLine(writer, instrument);
        foreach (var bar in bars)
        {
            foreach (var level in bar.Footprint.Levels)
            {
                line.Integer(bar.Candle.OpenTimeMs).Price(level.Price).Quantity(level.BuyVolume).Quantity(level.SellVolume).Integer(level.Trades).End();
            }
        }
    }

    /// <summary>Bars without trades have no profile; every bar passed in has trades, so each gets a row.</summary>
    public static void WriteProfiles(TextWriter writer, Instrument instrument, IEnumerable<Bar> bars, int valueAreaPercent)
    {
        writer.Write(ProfileHeader + "\n");
        var line = new CsvLine(writer, instrument);
        foreach (var bar in bars)
        {
            var footprint = bar.Footprint;
            if (footprint.PointOfControl is not { } poc || footprint.ValueArea(valueAreaPercent) is not { } area)
            {
                continue;
            }

            line.Integer(bar.Candle.OpenTimeMs).Price(poc.Price).Price(area.High).Price(area.Low)
                .Quantity(footprint.Delta).Quantity(footprint.Volume).End();
        }
    }
}
