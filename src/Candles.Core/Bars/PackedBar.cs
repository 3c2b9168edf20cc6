using System.Buffers;

namespace Candles.Core.Bars;

/// <summary>
/// A bar held for days in as few bytes as it takes, exactly: every field a variable-length integer (LEB128), signed
/// ones zigzagged, most of them as a difference from a neighbour (high and low from the open, close from the low,
/// each level's price from the one below it, times and ids from the first trade). A minute of a liquid instrument
/// packs to ~100 bytes instead of ~700 as objects; volumes keep all 128 bits, they just cost no more than they use.
/// </summary>
public static class PackedBar
{
    // 14 fields of a candle (three of them 128-bit), the step and the level count; then four fields a level.
    private const int MaxHeaderBytes = (14 * 10) + (3 * 19);
    private const int MaxLevelBytes = (2 * 10) + (2 * 19);

    public static byte[] Pack(Bar bar)
    {
        var c = bar.Candle;
        var rented = ArrayPool<byte>.Shared.Rent(MaxHeaderBytes + (bar.Footprint.Levels.Length * MaxLevelBytes));
        try
        {
            var w = new Writer(rented);
            w.Signed(c.Period.StartMs);
            w.Signed(c.Period.EndMs - c.Period.StartMs);
            w.Signed(c.Open);
            w.Signed(c.High - c.Open);
            w.Signed(c.Open - c.Low);
            w.Signed(c.Close - c.Low);
            w.Signed(c.BuyVolume);
            w.Signed(c.SellVolume);
            w.Signed(c.QuoteVolume);
            w.Signed(c.Trades);
            w.Signed(c.FirstTradeId);
            w.Signed(c.LastTradeId - c.FirstTradeId);
            w.Signed(c.FirstTradeTimeUs - (c.Period.StartMs * 1000));
            w.Signed(c.LastTradeTimeUs - c.FirstTradeTimeUs);
            w.Signed(c.Revision);
            WriteLevels(ref w, bar.Footprint, c.Low);
            return rented.AsSpan(0, w.Length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// A footprint's levels alone, their prices counted from <paramref name="basePrice"/> (the low of the candle that
    /// holds them, kept beside them); <see cref="Footprint.Empty"/> packs to no bytes at all.
    /// </summary>
    public static byte[] PackFootprint(Footprint footprint, long basePrice)
    {
        if (ReferenceEquals(footprint, Footprint.Empty))
        {
            return [];
        }

        var rented = ArrayPool<byte>.Shared.Rent((2 * 10) + (footprint.Levels.Length * MaxLevelBytes));
        try
        {
            var w = new Writer(rented);
            WriteLevels(ref w, footprint, basePrice);
            return rented.AsSpan(0, w.Length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The footprint <see cref="PackFootprint"/> packed against the same <paramref name="basePrice"/>.</summary>
    public static Footprint UnpackFootprint(ReadOnlySpan<byte> bytes, long basePrice)
    {
        if (bytes.IsEmpty)
        {
            return Footprint.Empty;
        }

        var r = new Reader(bytes);
        var footprint = ReadLevels(ref r, basePrice);
        return r.AtEnd ? footprint : throw new FormatException($"a packed footprint has {bytes.Length - r.Position} bytes left over");
    }

    public static Bar Unpack(ReadOnlySpan<byte> bytes) => Unpack(bytes, footprint: true);

    /// <summary>The bar, with its footprint or, when <paramref name="footprint"/> is false, <see cref="Footprint.Empty"/> without reading its levels.</summary>
    public static Bar Unpack(ReadOnlySpan<byte> bytes, bool footprint)
    {
        var r = new Reader(bytes);
        var startMs = r.Long();
        var period = new Timeframes.BarPeriod(startMs, startMs + r.Long());
        var open = r.Long();
        var high = open + r.Long();
        var low = open - r.Long();
        var close = low + r.Long();
        var (buy, sell, quote) = (r.Int128(), r.Int128(), r.Int128());
        var trades = r.Long();
        var firstId = r.Long();
        var lastId = firstId + r.Long();
        var firstUs = (startMs * 1000) + r.Long();
        var lastUs = firstUs + r.Long();
        var candle = new Candle(period, open, high, low, close, buy, sell, quote, trades, firstId, firstUs, lastId, lastUs, (int)r.Long());
        if (!footprint)
        {
            return new Bar(candle, Footprint.Empty);
        }

        var levels = ReadLevels(ref r, low);
        return r.AtEnd ? new Bar(candle, levels) : throw new FormatException($"a packed bar at {startMs} has {bytes.Length - r.Position} bytes left over");
    }

    private static void WriteLevels(ref Writer w, Footprint footprint, long basePrice)
    {
        w.Signed(footprint.StepTicks);
        w.Signed(footprint.Levels.Length);
        var price = basePrice;
        foreach (var level in footprint.Levels)
        {
            w.Signed(level.Price - price);
            w.Signed(level.BuyVolume);
            w.Signed(level.SellVolume);
            w.Signed(level.Trades);
            price = level.Price;
        }
    }

    private static Footprint ReadLevels(ref Reader r, long basePrice)
    {
        var step = r.Long();
        var levels = new PriceLevel[r.Long()];
        var price = basePrice;
        for (var i = 0; i < levels.Length; i++)
        {
            price += r.Long();
            levels[i] = new PriceLevel(price, r.Int128(), r.Int128(), r.Long());
        }

        return Footprint.FromSortedLevels(levels, step);
    }

    private ref struct Writer(Span<byte> bytes)
    {
        private readonly Span<byte> _bytes = bytes;

        public int Length { get; private set; }

        public void Signed(long value) => Unsigned((ulong)((value << 1) ^ (value >> 63)));

        public void Signed(Int128 value)
        {
            var zigzag = (UInt128)((value << 1) ^ (value >> 127));
            if (zigzag <= ulong.MaxValue)
            {
                Unsigned((ulong)zigzag);
                return;
            }

            while (zigzag >= 0x80)
            {
                _bytes[Length++] = (byte)((byte)zigzag | 0x80);
                zigzag >>= 7;
            }

            _bytes[Length++] = (byte)zigzag;
        }

        private void Unsigned(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes[Length++] = (byte)((byte)value | 0x80);
                value >>= 7;
            }

            _bytes[Length++] = (byte)value;
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public int Position { get; private set; }

        public readonly bool AtEnd => Position == _bytes.Length;

        public long Long()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = Next(shift, 64);
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return (long)(value >> 1) ^ -(long)(value & 1);
                }
            }
        }

        public Int128 Int128()
        {
            UInt128 value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = Next(shift, 128);
                value |= (UInt128)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return (Int128)(value >> 1) ^ -(Int128)(value & 1);
                }
            }
        }

        private byte Next(int shift, int bits)
        {
            if (Position == _bytes.Length || shift >= bits)
            {
                throw new FormatException($"a packed bar ends inside a {bits}-bit number at byte {Position}");
            }

            return _bytes[Position++];
        }
    }
}
