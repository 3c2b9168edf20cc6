using Candles.Core.Bars;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Candles.Core.Tests;

/// <summary><see cref="Volume"/> against <see cref="Int128"/> as the model: the same value, the same wrapping, the same order.</summary>
[Properties(Arbitrary = [typeof(VolumeArbitraries)], MaxTest = 2000)]
public class VolumeProperties
{
    [Property]
    public void ATradeFitsWhenItsPriceTimesQuantityIsBelowTwoToThe96th(long price, long quantity, byte shiftPrice, byte shiftQuantity)
    {
        // Positive, of every width: products from 0 to past 2^124, on both sides of the bound.
        var p = (price & long.MaxValue) >> (shiftPrice % 63);
        var q = (quantity & long.MaxValue) >> (shiftQuantity % 63);
        Assert.Equal((Int128)p * q < Int128.One << 96, Volume.TradeFits(p, q));
    }

    [Fact]
    public void TheLargestTradeThatFitsSumsTwoToThe31stTimesWithoutWrapping()
    {
        Assert.True(Volume.TradeFits((1L << 48) - 1, 1L << 48));
        Assert.False(Volume.TradeFits(1L << 48, 1L << 48));
        Assert.False(Volume.TradeFits(long.MaxValue, long.MaxValue));
        var most = Volume.Product((1L << 48) - 1, 1L << 48) * (1L << 31);
        Assert.False(most.IsNegative);
    }

    [Property]
    public void ConvertingToAndFromInt128LosesNothing(Int128 value) =>
        Assert.Equal(value, (Int128)(Volume)value);

    [Property]
    public void SumsAndDifferencesWrapAsInt128s(Int128 a, Int128 b)
    {
        Assert.Equal(unchecked(a + b), (Int128)((Volume)a + (Volume)b));
        Assert.Equal(unchecked(a - b), (Int128)((Volume)a - (Volume)b));
        Assert.Equal(unchecked(-a), (Int128)(-(Volume)a));
    }

    [Property]
    public void ProductsEqualInt128s(Int128 a, long b, long c)
    {
        Assert.Equal(unchecked(a * b), (Int128)((Volume)a * b));
        Assert.Equal((Int128)b * c, (Int128)Volume.Product(b, c));
    }

    [Property]
    public void OrderAndEqualityAreInt128s(Int128 a, Int128 b)
    {
        Volume x = a, y = b;
        Assert.Equal(Math.Sign(a.CompareTo(b)), Math.Sign(x.CompareTo(y)));
        bool[] model = [a < b, a > b, a <= b, a >= b, a == b, a != b];
        Assert.Equal(model, new[] { x < y, x > y, x <= y, x >= y, x == y, x != y });
        Assert.Equal(a == b, x.Equals(y));
        Assert.Equal(a < 0, x.IsNegative);

        // The same value reached another way is equal and hashes the same.
        var again = x + y - y;
        Assert.True(again == x && again.Equals(x));
        Assert.Equal(x.GetHashCode(), again.GetHashCode());
    }

    [Property]
    public void FormattingEqualsSystemDecimalWithinNinetySixBits(Int128 value, byte places)
    {
        var magnitude = value < 0 ? UInt128.Zero - (UInt128)value : (UInt128)value;
        if (magnitude >> 96 != 0)
        {
            return;
        }

        var scale = places % 29;
        var expected = new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), (int)(uint)(magnitude >> 64), value < 0, (byte)scale);
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), FixedDecimal.Format(value, scale));
    }

    [Property]
    public void OnlyValuesOfSixtyFourBitsConvertToLong(Int128 value)
    {
        var fits = value >= long.MinValue && value <= long.MaxValue;
        Assert.Equal(fits, ((Volume)value).TryGetInt64(out var small));
        if (fits)
        {
            Assert.Equal((long)value, small);
            Assert.Equal((long)value, (long)(Volume)value);
        }
        else
        {
            Assert.Throws<OverflowException>(() => (long)(Volume)value);
        }
    }

    [Property]
    public void LongsConvertAsInt128s(long value)
    {
        Volume volume = value;
        Assert.Equal((Int128)value, (Int128)volume);
        Assert.Equal(value.ToString(System.Globalization.CultureInfo.InvariantCulture), volume.ToString());
    }
}

public static class VolumeArbitraries
{
    /// <summary>Any 128-bit pattern, small values, and often one near where a carry or a sign changes: 0, ±2^63, ±2^64, the extremes.</summary>
    public static Arbitrary<Int128> Wide()
    {
        var edges = Gen.Elements(
            Int128.Zero, Int128.One, Int128.NegativeOne, Int128.MaxValue, Int128.MinValue,
            long.MaxValue, long.MinValue, (Int128)long.MaxValue + 1, (Int128)long.MinValue - 1,
            (Int128)ulong.MaxValue, (Int128)ulong.MaxValue + 1, -(Int128)ulong.MaxValue - 1);
        var halves = from upper in AnyLong
                     from lower in AnyLong
                     select new Int128((ulong)upper, (ulong)lower);
        var nearEdge = from edge in edges
                       from offset in Gen.Choose(-3, 3)
                       select unchecked(edge + offset);
        var sixtyFourBits = AnyLong.Select(v => (Int128)v);
        return Gen.Frequency((3, halves), (3, nearEdge), (2, sixtyFourBits)).ToArbitrary();
    }

    /// <summary>Longs as wide as they go as often as near zero, for products past 64 bits.</summary>
    public static Arbitrary<long> Factors() =>
        Gen.Frequency(
            (2, ArbMap.Default.GeneratorFor<long>()),
            (2, Gen.Elements(long.MaxValue, long.MinValue, -1L, 0L, 1L, long.MaxValue - 1, long.MinValue + 1)),
            (2, AnyLong))
            .ToArbitrary();

    /// <summary>Every bit pattern of 64 bits (FsCheck's own longs stay within ± its size, about 100).</summary>
    private static Gen<long> AnyLong =>
        from upper in Gen.Choose(int.MinValue, int.MaxValue)
        from lower in Gen.Choose(int.MinValue, int.MaxValue)
        select ((long)upper << 32) | (uint)lower;
}
