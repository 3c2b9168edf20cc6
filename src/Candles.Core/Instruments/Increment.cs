using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Candles.Core.Bars;

namespace Candles.Core.Instruments;

/// <summary>
/// A positive decimal grid spacing (a tick size or a quantity step), held exactly as
/// <c>Mantissa × 10^-Scale</c>. Values on the grid are counted in whole units of the increment.
/// </summary>
public readonly record struct Increment
{
    private const int MaxScale = 18;

    private static readonly long[] Powers10 = [.. Enumerable.Range(0, MaxScale + 1).Select(e => (long)FixedDecimal.Pow10(e))];

    private Increment(long mantissa, int scale)
    {
        Mantissa = mantissa;
        Scale = scale;
    }

    /// <summary>The increment's digits without the decimal point: 0.25 has mantissa 25.</summary>
    public long Mantissa { get; }

    /// <summary>Decimal places of the increment: 0.25 has scale 2; values are printed with this many places.</summary>
    public int Scale { get; }

    /// <summary>Parses a positive decimal such as <c>0.01</c>, <c>0.00000001</c>, <c>0.5</c> or <c>5</c>.</summary>
    public static bool TryParse(string? text, out Increment increment, [NotNullWhen(false)] out string? error)
    {
        increment = default;
        if (!FixedDecimal.TryParse(text, out var value, out var scale) || value <= 0 || scale > MaxScale)
        {
            error = $"'{text}' is not a positive decimal with at most {MaxScale} decimal places";
            return false;
        }

        while (scale > 0 && value % 10 == 0)
        {
            value /= 10;
            scale--;
        }

        if (value > long.MaxValue)
        {
            error = $"'{text}' is too large";
            return false;
        }

        increment = new Increment((long)value, scale);
        error = null;
        return true;
    }

    /// <summary>Parses a positive decimal or throws <see cref="FormatException"/> with the reason.</summary>
    public static Increment Parse(string text) =>
        TryParse(text, out var increment, out var error) ? increment : throw new FormatException(error);

    /// <summary>
    /// Converts decimal text to a whole number of increments. Fails when the text is not a plain
    /// decimal, is negative, lies off the grid, or does not fit in 64 bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public UnitsParse TryParseUnits(ReadOnlySpan<byte> utf8, out long units)
    {
        // The common case stays in 64 bits: a short number with no more places than the grid.
        if (FixedDecimal.TryParseSmall(utf8, out var small, out var smallScale) && small >= 0 && smallScale <= Scale)
        {
            var factor = Powers10[Scale - smallScale];
            if (small <= long.MaxValue / factor)
            {
                var scaled = small * factor;
                units = scaled % Mantissa == 0 ? scaled / Mantissa : 0;
                return units > 0 || scaled == 0 ? UnitsParse.Ok : UnitsParse.OffGrid;
            }
        }

        return TryParseUnitsExact(utf8, out units);
    }

    private UnitsParse TryParseUnitsExact(ReadOnlySpan<byte> utf8, out long units)
    {
        units = 0;
        if (!FixedDecimal.TryParse(utf8, out var value, out var scale))
        {
            return UnitsParse.NotANumber;
        }

        if (value < 0)
        {
            return UnitsParse.Negative;
        }

        // Bring the value to the increment's scale; extra places must be zeros.
        for (; scale > Scale; scale--)
        {
            if (value % 10 != 0)
            {
                return UnitsParse.OffGrid;
            }

            value /= 10;
        }

        for (; scale < Scale; scale++)
        {
            // Beyond 128 bits the product would wrap around to a small, valid-looking number.
            if (value > Int128.MaxValue / 10)
            {
                return UnitsParse.TooLarge;
            }

            value *= 10;
        }

        if (value % Mantissa != 0)
        {
            return UnitsParse.OffGrid;
        }

        var whole = value / Mantissa;
        if (whole > long.MaxValue)
        {
            return UnitsParse.TooLarge;
        }

        units = (long)whole;
        return UnitsParse.Ok;
    }

    /// <summary>Whole increments to decimal text with exactly <see cref="Scale"/> places: 650001 × 0.01 is "6500.01".</summary>
    public string Format(Volume units) => FixedDecimal.Format(units * Mantissa, Scale);

    /// <summary>Whole increments as decimal text into <paramref name="destination"/>, without allocating.</summary>
    public bool TryFormat(Volume units, Span<char> destination, out int charsWritten) =>
        FixedDecimal.TryFormat(units * Mantissa, Scale, destination, out charsWritten);

    /// <summary>The increment itself as decimal text, e.g. "0.01".</summary>
    public override string ToString() => FixedDecimal.Format(Mantissa, Scale);
}

/// <summary>Why decimal text could not be read as whole increments.</summary>
public enum UnitsParse
{
    Ok,
    NotANumber,
    Negative,
    OffGrid,
    TooLarge,
}
