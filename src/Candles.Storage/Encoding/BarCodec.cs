using System.Buffers.Binary;
using Candles.Core.Bars;
using Candles.Core.Timeframes;

namespace Candles.Storage.Encoding;

/// <summary>
/// A bar with its footprint as compact bytes: a version byte, then fixed-width little-endian fields, then
/// the levels. Exact (Int128 volumes as two 64-bit halves); decoding validates through <see cref="Footprint.Create"/>.
/// </summary>
public static class BarCodec
{
    private const byte Version = 1;
    private const int HeaderBytes = 1 + (8 * 2) + (8 * 4) + (16 * 3) + 8 + (8 * 4) + 4 + 8 + 4;
    private const int LevelBytes = 8 + 16 + 16 + 8;

    public static byte[] Encode(Bar bar)
    {
        var c = bar.Candle;
        var levels = bar.Footprint.Levels;
        var bytes = new byte[HeaderBytes + (levels.Length * LevelBytes)];
        var w = new Writer(bytes);
        w.Byte(Version);
        w.Long(c.Period.StartMs);
        w.Long(c.Period.EndMs);
        w.Long(c.Open);
        w.Long(c.High);
        w.Long(c.Low);
        w.Long(c.Close);
        w.Int128(c.BuyVolume);
        w.Int128(c.SellVolume);
        w.Int128(c.QuoteVolume);
        w.Long(c.Trades);
        w.Long(c.FirstTradeId);
        w.Long(c.FirstTradeTimeUs);
        w.Long(c.LastTradeId);
        w.Long(c.LastTradeTimeUs);
        w.Int(c.Revision);
        w.Long(bar.Footprint.StepTicks);
        w.Int(levels.Length);
        foreach (var level in levels)
        {
            w.Long(level.Price);
            w.Int128(level.BuyVolume);
            w.Int128(level.SellVolume);
            w.Long(level.Trades);
        }

        return bytes;
    }

    public static Bar Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderBytes || bytes[0] != Version)
        {
            throw new FormatException($"not a version-{Version} bar: {bytes.Length} bytes, version {(bytes.Length > 0 ? bytes[0] : -1)}");
        }

        var r = new Reader(bytes[1..]);
        var candle = new Candle(
            new BarPeriod(r.Long(), r.Long()), r.Long(), r.Long(), r.Long(), r.Long(), r.Int128(), r.Int128(), r.Int128(),
            r.Long(), r.Long(), r.Long(), r.Long(), r.Long(), r.Int());
        var step = r.Long();
        var count = r.Int();
        if (count < 0 || bytes.Length != HeaderBytes + (count * LevelBytes))
        {
            throw new FormatException($"bar at {candle.OpenTimeMs} claims {count} levels in {bytes.Length} bytes");
        }

        var levels = new PriceLevel[count];
        for (var i = 0; i < count; i++)
        {
            levels[i] = new PriceLevel(r.Long(), r.Int128(), r.Int128(), r.Long());
        }

        return new Bar(candle, Footprint.Create(levels, step));
    }

    private ref struct Writer(Span<byte> bytes)
    {
        private readonly Span<byte> _bytes = bytes;
        private int _at;

        public void Byte(byte value) => _bytes[_at++] = value;

        public void Int(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_bytes[_at..], value);
            _at += 4;
        }

        public void Long(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_bytes[_at..], value);
            _at += 8;
        }

        public void Int128(Int128 value)
        {
            BinaryPrimitives.WriteInt128LittleEndian(_bytes[_at..], value);
            _at += 16;
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public int Int()
        {
            var value = BinaryPrimitives.ReadInt32LittleEndian(_bytes[_at..]);
            _at += 4;
            return value;
        }

        public long Long()
        {
            var value = BinaryPrimitives.ReadInt64LittleEndian(_bytes[_at..]);
            _at += 8;
            return value;
        }

        public Int128 Int128()
        {
            var value = BinaryPrimitives.ReadInt128LittleEndian(_bytes[_at..]);
            _at += 16;
            return value;
        }
    }
}
