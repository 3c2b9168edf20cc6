using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Candles.Core.Tests;

public class FixedDecimalTests
{
    [Theory]
    [InlineData("0", 0, 0)]
    [InlineData("-123.4500", -1234500, 4)]
    [InlineData("0.00000001", 1, 8)]
    [InlineData("65000", 65000, 0)]
    [InlineData("-0", 0, 0)]
    [InlineData(".5", 5, 1)]
    public void PlainDecimalTextIsItsDigitsAndItsPlaces(string text, long value, int scale)
    {
        Assert.True(FixedDecimal.TryParse(text, out var parsed, out var places));
        Assert.Equal((value, scale), ((long)parsed, places));
        Assert.True(FixedDecimal.TryParseSmall(Encoding.ASCII.GetBytes(text), out var small, out var smallPlaces));
        Assert.Equal((value, scale), (small, smallPlaces));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("5.")]
    [InlineData("+5")]
    [InlineData("1e5")]
    [InlineData("1,000")]
    [InlineData("1.2.3")]
    [InlineData("1..5")]
    [InlineData("--1")]
    [InlineData("1-")]
    [InlineData(" 1")]
    public void TextThatIsNotAPlainDecimalIsRefused(string text)
    {
        Assert.False(FixedDecimal.TryParse(text, out _, out _));
        Assert.False(FixedDecimal.TryParseSmall(Encoding.ASCII.GetBytes(text), out _, out _));
    }

    [Fact]
    public void ANonAsciiCharacterThatLooksLikeADigitInItsLowByteIsRefused()
    {
        // U+0131 has low byte 0x31, the digit '1': a plain cast to byte would read it as one.
        Assert.False(FixedDecimal.TryParse("1\u0131", out _, out _));
        Assert.False(FixedDecimal.TryParse((string?)null, out _, out _));
    }

    [Fact]
    public void ThirtySixDigitsWithSignAndPointAreTheLongestTextRead()
    {
        var longest = "-" + new string('9', 18) + "." + new string('9', 18);
        Assert.True(FixedDecimal.TryParse(longest, out var value, out var scale));
        Assert.Equal((-(FixedDecimal.Pow10(36) - 1), 18), (value, scale));
        Assert.False(FixedDecimal.TryParse(new string('1', 37), out _, out _));
        Assert.False(FixedDecimal.TryParse("-" + new string('1', 37), out _, out _));
        Assert.False(FixedDecimal.TryParse("-0" + new string('9', 18) + "." + new string('9', 18), out _, out _));
    }

    [Theory]
    [InlineData("999999999999999999", true)]
    [InlineData("-99999999.9999999999", true)]
    [InlineData("1000000000000000000", false)]
    [InlineData("0.0000000000000000001", false)]
    public void TheFastPathReadsAtMostEighteenDigits(string text, bool read)
    {
        Assert.Equal(read, FixedDecimal.TryParseSmall(Encoding.ASCII.GetBytes(text), out _, out _));
        Assert.True(FixedDecimal.TryParse(text, out _, out _));
    }

    [Theory]
    [InlineData("000000000000000000000123")]
    [InlineData("123456789012345678901")]
    [InlineData("-1234567890123456789.01234567890123")]
    [InlineData("100000000000000000000000000000000000")]
    public void NumbersLongerThanEighteenDigitsKeepEveryDigit(string text)
    {
        Assert.True(FixedDecimal.TryParse(text, out var value, out _));
        Assert.Equal(BigInteger.Parse(text.Replace(".", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture), (BigInteger)value);
    }

    [Theory]
    [InlineData(0, 0, "0")]
    [InlineData(0, 3, "0.000")]
    [InlineData(5, 3, "0.005")]
    [InlineData(-5, 3, "-0.005")]
    [InlineData(1234, 2, "12.34")]
    [InlineData(1234, 4, "0.1234")]
    [InlineData(-1234, 0, "-1234")]
    public void FormattingWritesExactlyScalePlaces(long value, int scale, string expected) =>
        Assert.Equal(expected, FixedDecimal.Format(value, scale));

    [Fact]
    public void TheExtremesOfSixtyFourAndOneHundredTwentyEightBitsFormatExactly()
    {
        Assert.Equal("-92233720368547758.08", FixedDecimal.Format(long.MinValue, 2));
        Assert.Equal("92233720368547758.07", FixedDecimal.Format(long.MaxValue, 2));
        Assert.Equal("-92233720368547758.09", FixedDecimal.Format((Int128)long.MinValue - 1, 2));
        Assert.Equal("1.70141183460469231731687303715884105727", FixedDecimal.Format(Int128.MaxValue, 38));
        Assert.Equal("-0." + new string('0', 37) + "1", FixedDecimal.Format(-1, 38));
    }

    [Fact]
    public void TheSmallest128BitValueFormatsWithAllThirtyNineDigits()
    {
        Assert.Equal("-170141183460469231731687303715884105728", FixedDecimal.Format(Int128.MinValue, 0));
        Assert.Equal("-1.70141183460469231731687303715884105728", FixedDecimal.Format(Int128.MinValue, 38));
    }

    [Fact]
    public void FormattingIntoASpanTooShortWritesNothingAndSaysSo()
    {
        var text = new char[8];
        Assert.False(FixedDecimal.TryFormat(-12345, 3, text.AsSpan(0, 6), out var written));
        Assert.Equal(0, written);
        Assert.True(FixedDecimal.TryFormat(-12345, 3, text.AsSpan(0, 7), out written));
        Assert.Equal("-12.345", new string(text, 0, written));
    }

    [Fact]
    public void PowersOfTenAreExactUpToThirtyEight()
    {
        for (var exponent = 0; exponent <= 38; exponent++)
        {
            Assert.Equal(BigInteger.Pow(10, exponent), (BigInteger)FixedDecimal.Pow10(exponent));
        }
    }
}

/// <summary>The parser and the formatter against plain models: a regular expression with BigInteger, and System.Decimal.</summary>
[Properties(Arbitrary = [typeof(DecimalTextArbitraries)], MaxTest = 1000)]
public class FixedDecimalProperties
{
    private static readonly Regex PlainDecimal = new(@"^(-?)([0-9]*)(?:\.([0-9]+))?\z", RegexOptions.CultureInvariant);

    [Property]
    public void TextIsReadAsItsDigitsAndPlacesOrRefused(DecimalText text)
    {
        var expected = Model(text.Value, maxDigits: 36);
        var read = FixedDecimal.TryParse(text.Value, out var value, out var scale);
        Assert.Equal(expected.Ok, read);
        if (read)
        {
            Assert.Equal((expected.Value, expected.Scale), ((BigInteger)value, scale));
        }
    }

    [Property]
    public void TheFastPathReadsWhatTheModelReadsInEighteenDigits(DecimalText text)
    {
        var expected = Model(text.Value, maxDigits: 18);
        var read = FixedDecimal.TryParseSmall(Encoding.UTF8.GetBytes(text.Value), out var value, out var scale);
        Assert.Equal(expected.Ok, read);
        if (read)
        {
            Assert.Equal((expected.Value, expected.Scale), (value, scale));
        }
    }

    [Property]
    public void FormattingEqualsSystemDecimal(int low, int mid, int high, bool negative, byte places)
    {
        var scale = places % 29;
        var magnitude = (Int128)(uint)low | ((Int128)(uint)mid << 32) | ((Int128)(uint)high << 64);
        var value = negative ? -magnitude : magnitude;
        var expected = new decimal(low, mid, high, negative && magnitude != 0, (byte)scale).ToString(CultureInfo.InvariantCulture);
        Assert.Equal(expected, FixedDecimal.Format(value, scale));
    }

    [Property]
    public void FormattedTextReadsBackAsTheSameValueAndScale(long high, ulong low, byte digits, byte places)
    {
        // Any value of up to 36 digits at any scale that keeps the text within 36 digits.
        var value = (((Int128)high << 64) | low) % FixedDecimal.Pow10((digits % 36) + 1);
        var scale = places % 36;
        var text = FixedDecimal.Format(value, scale);
        if (text.Count(char.IsAsciiDigit) > 36)
        {
            return;
        }

        Assert.True(FixedDecimal.TryParse(text, out var read, out var readScale), text);
        Assert.Equal((value, scale), (read, readScale));
        var destination = new char[text.Length];
        Assert.True(FixedDecimal.TryFormat(value, scale, destination, out var written));
        Assert.Equal(text, new string(destination, 0, written));
        Assert.False(FixedDecimal.TryFormat(value, scale, destination.AsSpan(0, text.Length - 1), out written));
    }

    private static (bool Ok, BigInteger Value, int Scale) Model(string text, int maxDigits)
    {
        var match = PlainDecimal.Match(text);
        var digits = match.Groups[2].Value + match.Groups[3].Value;
        if (!match.Success || digits.Length is 0 || digits.Length > maxDigits)
        {
            return (false, 0, 0);
        }

        var magnitude = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        return (true, match.Groups[1].Length > 0 ? -magnitude : magnitude, match.Groups[3].Length);
    }
}

/// <summary>Decimal text, mostly well formed (with leading zeros and 0 to 80 digits), sometimes with one stray character.</summary>
public sealed record DecimalText(string Value)
{
    public override string ToString() => $"\"{Value}\"";
}

public static class DecimalTextArbitraries
{
    public static Arbitrary<DecimalText> DecimalText()
    {
        var digit = Gen.Elements("0123456789".ToCharArray());
        var digits = Gen.Frequency(
                (4, Gen.Choose(0, 4)),
                (3, Gen.Choose(5, 16)),
                (4, Gen.Choose(17, 20)),
                (2, Gen.Choose(21, 40)))
            .SelectMany(length => Gen.ArrayOf(digit, length))
            .Select(chars => new string(chars));
        var wellFormed =
            from negative in Gen.Elements(true, false)
            from whole in digits
            from point in Gen.Elements(true, false)
            from fraction in digits
            select (negative ? "-" : string.Empty) + whole + (point ? "." + fraction : string.Empty);
        var stray =
            from text in wellFormed
            from at in Gen.Choose(0, 80)
            from c in Gen.Elements('-', '+', '.', 'e', ',', ' ', '/', ':', '\u0131', '\u0660')
            select text.Insert(at % (text.Length + 1), c.ToString());
        return Gen.Frequency((3, wellFormed), (1, stray)).Select(text => new DecimalText(text)).ToArbitrary();
    }
}
