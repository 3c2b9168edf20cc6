using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Candles.Core.Bars;

/// <summary>
/// An exact signed 128-bit count of units: quantity steps for buy, sell and total volume and for delta, tick × step
/// units for quote volume. Arithmetic wraps as <see cref="Int128"/>'s does, and converts to and from it without loss.
/// <para>
/// Our own type rather than <see cref="Int128"/>: ReadyToRun leaves every method that touches <see cref="Int128"/> to the
/// JIT (its calling convention may still change between runtime versions), so each candle, footprint and formatter was
/// compiled again at every start, and the per-tick sum of price × quantity went through <see cref="Int128"/>'s general
/// multiplication. Two 64-bit halves have a stable layout (figures in docs/PERFORMANCE.md). Anything beyond adding,
/// comparing and multiplying by a 64-bit number goes through <see cref="Int128"/>.
/// </para>
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Volume : IEquatable<Volume>, IComparable<Volume>
{
    private readonly ulong _lower;
    private readonly long _upper;

    private Volume(long upper, ulong lower)
    {
        _upper = upper;
        _lower = lower;
    }

    public static Volume Zero => default;

    /// <summary>The exact product of two 64-bit numbers: a trade's quote volume, price in ticks × quantity in steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Volume Product(long a, long b)
    {
        var upper = Math.BigMul(a, b, out var lower);
        return new Volume(upper, (ulong)lower);
    }

    /// <summary>
    /// Whether a trade's price × quantity (positive, in ticks and steps) is below 2^96, the most one trade may carry, so
    /// that the quote volume of 2^31 trades still sums within 128 bits instead of wrapping.
    /// </summary>
    public static bool TradeFits(long price, long quantity) => Math.BigMul(price, quantity, out _) < 1L << 32;

    public bool IsNegative => _upper < 0;

    /// <summary>True when the value fits a <see cref="long"/>, which it then is in <paramref name="value"/>.</summary>
    public bool TryGetInt64(out long value)
    {
        value = (long)_lower;
        return _upper == value >> 63;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static implicit operator Volume(long value) => new(value >> 63, (ulong)value);

    public static implicit operator Volume(Int128 value) => new((long)(value >> 64), (ulong)value);

    public static implicit operator Int128(Volume value) => new((ulong)value._upper, value._lower);

    /// <summary>Throws <see cref="OverflowException"/> when the value does not fit: never truncates.</summary>
    public static explicit operator long(Volume value) =>
        value.TryGetInt64(out var small) ? small : throw new OverflowException($"{value} does not fit a 64-bit integer");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Volume operator +(Volume a, Volume b)
    {
        var lower = a._lower + b._lower;
        var carry = lower < a._lower ? 1L : 0L;
        return new Volume(a._upper + b._upper + carry, lower);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Volume operator -(Volume a, Volume b)
    {
        var lower = a._lower - b._lower;
        var borrow = lower > a._lower ? 1L : 0L;
        return new Volume(a._upper - b._upper - borrow, lower);
    }

    public static Volume operator -(Volume value) => Zero - value;

    /// <summary>The product modulo 2^128, as <see cref="Int128"/> multiplication.</summary>
    public static Volume operator *(Volume a, long b)
    {
        var bUpper = (ulong)(b >> 63);
        var upper = Math.BigMul(a._lower, (ulong)b, out var lower);
        upper += (ulong)a._upper * (ulong)b + a._lower * bUpper;
        return new Volume((long)upper, lower);
    }

    public static bool operator ==(Volume a, Volume b) => a._lower == b._lower && a._upper == b._upper;

    public static bool operator !=(Volume a, Volume b) => !(a == b);

    public static bool operator <(Volume a, Volume b) => a.CompareTo(b) < 0;

    public static bool operator >(Volume a, Volume b) => a.CompareTo(b) > 0;

    public static bool operator <=(Volume a, Volume b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Volume a, Volume b) => a.CompareTo(b) >= 0;

    public int CompareTo(Volume other) =>
        _upper != other._upper ? _upper.CompareTo(other._upper) : _lower.CompareTo(other._lower);

    public bool Equals(Volume other) => this == other;

    public override bool Equals(object? obj) => obj is Volume other && this == other;

    public override int GetHashCode() => HashCode.Combine(_lower, _upper);

    public override string ToString() => ((Int128)this).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
