using System.Globalization;
using System.Text;
using Candles.Core.Bars;
using Candles.Core.Instruments;
using Candles.Core.Ticks;

namespace Candles.Ingest.Replay;

/// <summary>
/// Writes ticks as Binance trades CSV lines (<c>id,price,qty,quote_qty,time_us,is_buyer_maker,is_best_match</c>)
/// that <see cref="BinanceTradeCsvReader"/> reads back to the same ticks: the compact form of a replay batch.
/// </summary>
public sealed class BinanceTradeCsvWriter(Instrument instrument)
{
    private readonly StringBuilder _text = new();
    private readonly char[] _cell = new char[Core.FixedDecimal.MaxChars];

    public int Count { get; private set; }

    public void Append(in Tick tick)
    {
        tick.TradeId.TryFormat(_cell, out var written, default, CultureInfo.InvariantCulture);
        _text.Append(_cell, 0, written).Append(',');
        instrument.TickSize.TryFormat(tick.Price, _cell, out written);
        _text.Append(_cell, 0, written).Append(',');
        instrument.QuantityStep.TryFormat(tick.Quantity, _cell, out written);
        _text.Append(_cell, 0, written).Append(',');
        instrument.TryFormatQuoteVolume(Volume.Product(tick.Price, tick.Quantity), _cell, out written);
        _text.Append(_cell, 0, written).Append(',');
        tick.TimeUs.TryFormat(_cell, out written, default, CultureInfo.InvariantCulture);
        _text.Append(_cell, 0, written).Append(tick.Side == AggressorSide.Sell ? ",True,True\n" : ",False,True\n");
        Count++;
    }

    /// <summary>The lines so far as UTF-8, and a fresh start.</summary>
    public byte[] TakeBytes()
    {
        var bytes = Encoding.ASCII.GetBytes(_text.ToString());
        _text.Clear();
        Count = 0;
        return bytes;
    }
}
