using System.Globalization;
using System.Runtime.CompilerServices;
using Candles.Core.Bars;

namespace Candles.Core;

/// <summary>
/// Plain decimal text (<c>-123.4500</c>) to and from an integer and a count of decimal places, exactly.
/// No exponents, no group separators, no leading '+': market data never uses them and accepting them
/// would hide malformed input.
/// </summary>
public static class FixedDecimal
{
    private const int MaxDigits = 36;

    /// <summary>
    /// Reads ASCII decimal text of at most 18 digits into a 64-bit integer: the fast path for prices and
    /// quantities. False for anything else, including longer numbers that <see cref="TryParse(ReadOnlySpan{byte}, out Int128, out int)"/> reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseSmall(ReadOnlySpan<byte> utf8, out long value, out int scale)
    {
        value = 0;
        scale = -1;
        var digits = 0;
        var i = utf8.Length > 0 && utf8[0] == (byte)'-' ? 1 : 0;
        for (; i < utf8.Length; i++)
        {
            var d = (uint)(utf8[i] - '0');
            if (d <= 9)
            {
                value = (value * 10) + d;
                digits++;
                scale += scale >= 0 ? 1 : 0;
            }
            else if (utf8[i] == (byte)'.' && scale < 0)
            {
                scale = 0;
            }
            else
            {
                return false;
            }
        }

        if (digits is 0 or > 18 || scale == 0)
        {
            return false;
        }

        scale = Math.Max(scale, 0);
        value = utf8[0] == (byte)'-' ? -value : value;
        return true;
    }

    /// <summary>Reads ASCII decimal text; <paramref name="scale"/> is the number of digits after the point.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out Int128 value, out int scale)
    {
        value = 0;
        scale = 0;
        var i = 0;
        var negative = false;
        if (utf8.Length > 0 && utf8[0] == (byte)'-')
        {
            negative = true;
            i = 1;
        }

        var digits = 0;
        var seenPoint = false;
        long chunk = 0;
        var chunkDigits = 0;
        for (; i < utf8.Length; i++)
        {
            var c = utf8[i];
            if (c == (byte)'.')
            {
                if (seenPoint)
                {
                    return false;
                }

                seenPoint = true;
                continue;
            }

            var d = (uint)(c - '0');
            if (d > 9 || ++digits > MaxDigits)
            {
                return false;
            }

            // Accumulate in a long and spill into Int128 every 18 digits: most numbers never spill.
            chunk = (chunk * 10) + d;
            if (++chunkDigits == 18)
            {
                value = (value * 1_000_000_000_000_000_000L) + chunk;
                chunk = 0;
                chunkDigits = 0;
            }

            if (seenPoint)
            {
                scale++;
            }
        }

        if (digits == 0 || (seenPoint && scale == 0))
        {
            return false;
        }

        if (value == 0)
        {
            value = chunk;
        }
        else if (chunkDigits > 0)
        {
            value = (value * Pow10(chunkDigits)) + chunk;
        }
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    /// <summary>Reads decimal text held in a string.</summary>
    public static bool TryParse(string? text, out Int128 value, out int scale)
    {
        value = 0;
        scale = 0;
        if (text is null || text.Length > MaxDigits + 2)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 127)
            {
                return false;
            }

            utf8[i] = (byte)text[i];
        }

        return TryParse(utf8, out value, out scale);
    }

    /// <summary>Writes <paramref name="value"/> × 10^-<paramref name="scale"/> with exactly <paramref name="scale"/> places.</summary>
    public static string Format(Volume value, int scale)
    {
        Span<char> text = stackalloc char[MaxChars];
        TryFormat(value, scale, text, out var written);
        return new string(text[..written]);
    }

    /// <summary>The longest text <see cref="TryFormat"/> can write: sign, 39 digits, point, padding zeros.</summary>
    public const int MaxChars = 80;

    /// <summary>
    /// Writes <paramref name="value"/> × 10^-<paramref name="scale"/> with exactly <paramref name="scale"/> places
    /// into <paramref name="destination"/> without allocating; false if it does not fit.
    /// </summary>
    public static bool TryFormat(Volume value, int scale, Span<char> destination, out int charsWritten)
    {
        Span<char> digits = stackalloc char[40];
        var count = value.TryGetInt64(out var small) && small != long.MinValue
            ? FormatMagnitude((ulong)Math.Abs(small), digits)
            : FormatWideMagnitude(value, digits);
        var negative = value.IsNegative;
        var whole = Math.Max(count - scale, 1);
        charsWritten = (negative ? 1 : 0) + whole + (scale > 0 ? 1 + scale : 0);
        if (destination.Length < charsWritten)
        {
            charsWritten = 0;
            return false;
        }

        var at = 0;
        if (negative)
        {
            destination[at++] = '-';
        }

        if (count > scale)
        {
            digits[..(count - scale)].CopyTo(destination[at..]);
            at += count - scale;
        }
        else
        {
            destination[at++] = '0';
        }

        if (scale > 0)
        {
            destination[at++] = '.';
            var zeros = Math.Max(scale - count, 0);
            destination.Slice(at, zeros).Fill('0');
            digits[(count - (scale - zeros))..count].CopyTo(destination[(at + zeros)..]);
        }

        return true;
    }

    private static int FormatMagnitude(ulong magnitude, Span<char> digits)
    {
        magnitude.TryFormat(digits, out var count, default, CultureInfo.InvariantCulture);
        return count;
    }

    /// <summary>
    /// Beyond 64 bits, in <see cref="UInt128"/>, which holds the magnitude of <see cref="Int128.MinValue"/>
    /// (<see cref="Int128.Abs"/> throws on it). Apart so that only this rare path is left to the JIT (see <see cref="Volume"/>).
    /// </summary>
    private static int FormatWideMagnitude(Volume value, Span<char> digits)
    {
        var wide = (Int128)value;
        var magnitude = value.IsNegative ? UInt128.Zero - (UInt128)wide : (UInt128)wide;
        magnitude.TryFormat(digits, out var count, default, CultureInfo.InvariantCulture);
        return count;
    }

    /// <summary>10 to the power <paramref name="exponent"/> (0..38) as an exact integer.</summary>
    public static Int128 Pow10(int exponent)
    {
        Int128 result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }
}
