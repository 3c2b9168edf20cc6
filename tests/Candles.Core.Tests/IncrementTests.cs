using System.Text;
using Candles.Core.Instruments;

namespace Candles.Core.Tests;

public class IncrementTests
{
    [Theory]
    [InlineData("0.01", 1, 2)]
    [InlineData("0.010", 1, 2)]
    [InlineData("0.00000001", 1, 8)]
    [InlineData("0.25", 25, 2)]
    [InlineData("5", 5, 0)]
    [InlineData("10.0", 10, 0)]
    public void IncrementIsHeldAsMantissaAndScale(string text, long mantissa, int scale)
    {
        var increment = Increment.Parse(text);
        Assert.Equal(mantissa, increment.Mantissa);
        Assert.Equal(scale, increment.Scale);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.01")]
    [InlineData("abc")]
    [InlineData("1e-2")]
    [InlineData("")]
    [InlineData("0.0000000000000000001")]
    [InlineData("9223372036854775808")]
    public void NonPositiveOrMalformedIncrementIsRefusedWithReason(string text)
    {
        Assert.False(Increment.TryParse(text, out _, out var error));
        Assert.Contains(text, error);
    }

    [Fact]
    public void AnIncrementTooLargeForSixtyFourBitsSaysSo()
    {
        Assert.False(Increment.TryParse("9223372036854775808", out _, out var error));
        Assert.Contains("too large", error, StringComparison.Ordinal);
        Assert.Equal(long.MaxValue, Increment.Parse("9223372036854775807").Mantissa);
        Assert.Equal((1L, 18), (Increment.Parse("0.000000000000000001").Mantissa, Increment.Parse("0.000000000000000001").Scale));
        Assert.Throws<FormatException>(() => Increment.Parse("0"));
    }

    [Fact]
    public void AnIncrementPrintsAsItsDecimal()
    {
        Assert.Equal("0.25", Increment.Parse("0.250").ToString());
        Assert.Equal("5", Increment.Parse("5").ToString());
    }

    [Theory]
    [InlineData("0.01", "65000.01", UnitsParse.Ok, 6500001)]
    [InlineData("0.01", "65000.0100", UnitsParse.Ok, 6500001)]
    [InlineData("0.01", "65000", UnitsParse.Ok, 6500000)]
    [InlineData("0.01", "65000.015", UnitsParse.OffGrid, 0)]
    [InlineData("0.25", "100.75", UnitsParse.Ok, 403)]
    [InlineData("0.25", "100.10", UnitsParse.OffGrid, 0)]
    [InlineData("5", "65005", UnitsParse.Ok, 13001)]
    [InlineData("5", "65001", UnitsParse.OffGrid, 0)]
    [InlineData("0.01", "-1.00", UnitsParse.Negative, 0)]
    [InlineData("0.01", "1,00", UnitsParse.NotANumber, 0)]
    [InlineData("0.01", "1.2.3", UnitsParse.NotANumber, 0)]
    [InlineData("0.01", "", UnitsParse.NotANumber, 0)]
    [InlineData("0.00000001", "99999999999.99999999", UnitsParse.TooLarge, 0)]
    [InlineData("1", "10000000000", UnitsParse.Ok, 10_000_000_000)]
    [InlineData("0.00000001", "99999999999", UnitsParse.TooLarge, 0)]
    [InlineData("1", "9223372036854775807", UnitsParse.Ok, long.MaxValue)]
    [InlineData("1", "9223372036854775808", UnitsParse.TooLarge, 0)]
    [InlineData("0.001", "340282366920938463463374607431768212", UnitsParse.TooLarge, 0)]
    [InlineData("0.00000001", "3402823669209384634633746074318", UnitsParse.TooLarge, 0)]
    [InlineData("0.01", "000000000000000000001.5", UnitsParse.Ok, 150)]
    [InlineData("0.25", "000000000000000000100.75", UnitsParse.Ok, 403)]
    [InlineData("0.25", "000000000000000000100.10", UnitsParse.OffGrid, 0)]
    [InlineData("0.01", "0.0000000000000000000", UnitsParse.Ok, 0)]
    [InlineData("0.01", "1.0000000000000000001", UnitsParse.OffGrid, 0)]
    [InlineData("0.01", "-0.0000000000000000001", UnitsParse.Negative, 0)]
    [InlineData("0.000000000000000001", "1", UnitsParse.Ok, 1_000_000_000_000_000_000)]
    [InlineData("0.000000000000000001", "0.000000000000000005", UnitsParse.Ok, 5)]
    public void DecimalTextBecomesWholeIncrementsOrSaysWhyNot(string increment, string text, UnitsParse expected, long units)
    {
        var outcome = Increment.Parse(increment).TryParseUnits(Encoding.ASCII.GetBytes(text), out var parsed);
        Assert.Equal(expected, outcome);
        Assert.Equal(units, parsed);
    }

    [Theory]
    [InlineData("0.01", 6500001, "65000.01")]
    [InlineData("0.00001", 1978, "0.01978")]
    [InlineData("0.00001", 0, "0.00000")]
    [InlineData("0.00001", -4482365, "-44.82365")]
    [InlineData("0.25", 403, "100.75")]
    [InlineData("5", 13001, "65005")]
    [InlineData("0.00000001", 1000, "0.00001000")]
    public void UnitsPrintWithTheIncrementsDecimalPlaces(string increment, long units, string expected) =>
        Assert.Equal(expected, Increment.Parse(increment).Format(units));

    [Fact]
    public void UnitsPrintIntoASpanWithoutAllocating()
    {
        var text = new char[6];
        Assert.True(Increment.Parse("0.25").TryFormat(403, text, out var written));
        Assert.Equal("100.75", new string(text, 0, written));
        Assert.False(Increment.Parse("0.25").TryFormat(403, text.AsSpan(0, 5), out _));
    }

    [Fact]
    public void QuoteVolumeOnCoarseGridsIsPriceTimesQuantity()
    {
        // Tick 0.05 and step 0.25: 1.00 is 20 ticks, 2.00 is 8 steps, so 1.00 x 2.00 is 160 tick-steps.
        var instrument = new Instrument(InstrumentId.Parse("SIM:COARSE"), Increment.Parse("0.05"), Increment.Parse("0.25"));
        Assert.Equal("2.0000", instrument.FormatQuoteVolume(160));
        var text = new char[16];
        Assert.True(instrument.TryFormatQuoteVolume(160, text, out var written));
        Assert.Equal("2.0000", new string(text, 0, written));
        Assert.Equal("1.00", instrument.FormatPrice(20));
        Assert.Equal("2.00", instrument.FormatQuantity(8));
    }

    [Fact]
    public void QuoteVolumeCarriesBothScales()
    {
        var instrument = new Instrument(InstrumentId.Parse("BINANCE:BTCUSDT"), Increment.Parse("0.01"), Increment.Parse("0.00001"));
        Assert.Equal("1285.7000000", instrument.FormatQuoteVolume((Int128)6500000 * 1978));
    }

    [Theory]
    [InlineData("10.00", 1000)]
    [InlineData("10", 1000)]
    [InlineData("0.01", 1)]
    public void PriceStepMustBeWholeMultipleOfTick(string step, long ticks)
    {
        var instrument = new Instrument(InstrumentId.Parse("BINANCE:BTCUSDT"), Increment.Parse("0.01"), Increment.Parse("0.00001"));
        Assert.True(instrument.TryParsePriceStep(step, out var parsed, out _));
        Assert.Equal(ticks, parsed);
    }

    [Theory]
    [InlineData("0.015")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("x")]
    public void PriceStepOffTheTickGridIsRefused(string step)
    {
        var instrument = new Instrument(InstrumentId.Parse("BINANCE:BTCUSDT"), Increment.Parse("0.01"), Increment.Parse("0.00001"));
        Assert.False(instrument.TryParsePriceStep(step, out _, out var error));
        Assert.Contains(step, error);
    }

    [Fact]
    public void APriceStepErrorSaysWhetherTheTextIsNoNumberOrOffTheGrid()
    {
        var instrument = new Instrument(InstrumentId.Parse("BINANCE:BTCUSDT"), Increment.Parse("0.01"), Increment.Parse("0.00001"));
        Assert.False(instrument.TryParsePriceStep("x", out _, out var error));
        Assert.Contains("not a positive decimal", error, StringComparison.Ordinal);
        Assert.False(instrument.TryParsePriceStep(null, out _, out error));
        Assert.Contains("not a positive decimal", error, StringComparison.Ordinal);
        Assert.False(instrument.TryParsePriceStep("0.015", out _, out error));
        Assert.Contains("whole multiple of the tick size 0.01", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BINANCE:BTCUSDT", true)]
    [InlineData("SIM:BTC-USD", true)]
    [InlineData("binance:btcusdt", false)]
    [InlineData("BTCUSDT", false)]
    [InlineData(":BTC", false)]
    [InlineData("BINANCE:", false)]
    [InlineData("A:B:C", false)]
    [InlineData("A:B", true)]
    [InlineData("Z0.9_-:AZ09", true)]
    [InlineData("A/B:C", false)]
    [InlineData("A:B@", false)]
    [InlineData("A:B[", false)]
    [InlineData("12345678901234567890123456789012:X", true)]
    [InlineData("123456789012345678901234567890123:X", false)]
    [InlineData("X:12345678901234567890123456789012", true)]
    [InlineData("X:123456789012345678901234567890123", false)]
    [InlineData("12345678901234567890123456789012:1234567890123456789012345678901", true)]
    [InlineData("12345678901234567890123456789012:12345678901234567890123456789012", false)]
    public void InstrumentIdIsVenueColonSymbolInUpperCase(string text, bool valid) =>
        Assert.Equal(valid, InstrumentId.TryParse(text, out _, out _));

    [Fact]
    public void AnInstrumentIdSplitsIntoVenueAndSymbol()
    {
        var id = InstrumentId.Parse("BINANCE:BTCUSDT");
        Assert.Equal(("BINANCE", "BTCUSDT", "BINANCE:BTCUSDT"), (id.Venue, id.Symbol, id.ToString()));
        Assert.Equal(string.Empty, default(InstrumentId).ToString());
    }

    [Fact]
    public void AMalformedInstrumentIdIsRefusedWithTheExpectedForm()
    {
        Assert.False(InstrumentId.TryParse("btc", out _, out var error));
        Assert.Contains("'btc' is not VENUE:SYMBOL", error, StringComparison.Ordinal);
        Assert.False(InstrumentId.TryParse(null, out _, out _));
        Assert.Throws<FormatException>(() => InstrumentId.Parse("btc"));
    }
}
