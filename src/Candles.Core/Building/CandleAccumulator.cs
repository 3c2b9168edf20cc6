using System.Runtime.CompilerServices;
using Candles.Core.Bars;
using Candles.Core.Ticks;
using Candles.Core.Timeframes;

namespace Candles.Core.Building;

/// <summary>
/// Running OHLCV of one bar. Ticks and whole sub-bars may arrive in any order: open and close are kept
/// as the minimum and maximum by (event time, trade id), so the result does not depend on arrival order.
/// </summary>
internal struct CandleAccumulator
{
    private long _open;
    private long _high;
    private long _low;
    private long _close;
    private Volume _buyVolume;
    private Volume _sellVolume;
    private Volume _quoteVolume;
    private long _trades;
    private long _firstTradeId;
    private long _firstTradeTimeUs;
    private long _lastTradeId;
    private long _lastTradeTimeUs;
    private int _revision;

    public readonly bool IsEmpty => _trades == 0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(in Tick tick)
    {
        if (_trades == 0)
        {
            _open = _high = _low = _close = tick.Price;
            _firstTradeId = _lastTradeId = tick.TradeId;
            _firstTradeTimeUs = _lastTradeTimeUs = tick.TimeUs;
        }
        else
        {
            _high = Math.Max(_high, tick.Price);
            _low = Math.Min(_low, tick.Price);
            TakeOpenIfEarlier(tick.Price, tick.TradeId, tick.TimeUs);
            TakeCloseIfLater(tick.Price, tick.TradeId, tick.TimeUs);
        }

        if (tick.Side == AggressorSide.Buy)
        {
            _buyVolume += tick.Quantity;
        }
        else
        {
            _sellVolume += tick.Quantity;
        }

        _quoteVolume += Volume.Product(tick.Price, tick.Quantity);
        _trades++;
    }

    /// <summary>Adds a whole bar of a shorter timeframe; revisions add up so any amendment raises the sum.</summary>
    public void Add(Candle bar)
    {
        if (_trades == 0)
        {
            _open = bar.Open;
            _high = bar.High;
            _low = bar.Low;
            _close = bar.Close;
            _firstTradeId = bar.FirstTradeId;
            _firstTradeTimeUs = bar.FirstTradeTimeUs;
            _lastTradeId = bar.LastTradeId;
            _lastTradeTimeUs = bar.LastTradeTimeUs;
        }
        else
        {
            _high = Math.Max(_high, bar.High);
            _low = Math.Min(_low, bar.Low);
            TakeOpenIfEarlier(bar.Open, bar.FirstTradeId, bar.FirstTradeTimeUs);
            TakeCloseIfLater(bar.Close, bar.LastTradeId, bar.LastTradeTimeUs);
        }

        _buyVolume += bar.BuyVolume;
        _sellVolume += bar.SellVolume;
        _quoteVolume += bar.QuoteVolume;
        _trades += bar.Trades;
        _revision += bar.Revision;
    }

    /// <summary>Open and close are the first and last trade by (event time, trade id).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void TakeOpenIfEarlier(long price, long tradeId, long timeUs)
    {
        if (timeUs < _firstTradeTimeUs || (timeUs == _firstTradeTimeUs && tradeId < _firstTradeId))
        {
            (_open, _firstTradeId, _firstTradeTimeUs) = (price, tradeId, timeUs);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void TakeCloseIfLater(long price, long tradeId, long timeUs)
    {
        if (timeUs > _lastTradeTimeUs || (timeUs == _lastTradeTimeUs && tradeId >= _lastTradeId))
        {
            (_close, _lastTradeId, _lastTradeTimeUs) = (price, tradeId, timeUs);
        }
    }

    public readonly Candle ToCandle(BarPeriod period, int revision) => new(
        period, _open, _high, _low, _close, _buyVolume, _sellVolume, _quoteVolume, _trades,
        _firstTradeId, _firstTradeTimeUs, _lastTradeId, _lastTradeTimeUs, revision);

    /// <summary>The candle with the summed revisions of the bars added.</summary>
    public readonly Candle ToCandle(BarPeriod period) => ToCandle(period, _revision);

    public static CandleAccumulator From(Candle candle)
    {
        var accumulator = default(CandleAccumulator);
        accumulator.Add(candle);
        return accumulator;
    }
}
