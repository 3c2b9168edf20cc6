using System.Globalization;
using System.Text;

namespace Candles.Core;

/// <summary>
/// Plain decimal text (<c>-123.4500</c>) to and from an integer and a count of decimal places, exactly.
/// No exponents, no group separators, no leading '+': market data never uses them and accepting them
/// would hide malformed input.
/// </summary>
public static class FixedDecimal
{
    private const int MaxDigits = 36;

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
    public static string Format(Int128 value, int scale)
    {
        var digits = Int128.Abs(value).ToString(CultureInfo.InvariantCulture);
        var builder = new StringBuilder(digits.Length + 3);
        if (value < 0)
        {
            builder.Append('-');
        }

        if (scale == 0)
        {
            return builder.Append(digits).ToString();
        }

        if (digits.Length <= scale)
        {
            digits = new string('0', scale - digits.Length + 1) + digits;
        }

        var point = digits.Length - scale;
        return builder.Append(digits, 0, point).Append('.').Append(digits, point, scale).ToString();
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
