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
    public void NonPositiveOrMalformedIncrementIsRefusedWithReason(string text)
    {
        Assert.False(Increment.TryParse(text, out _, out var error));
        Assert.Contains(text, error);
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

    [Theory]
    [InlineData("BINANCE:BTCUSDT", true)]
    [InlineData("SIM:BTC-USD", true)]
    [InlineData("binance:btcusdt", false)]
    [InlineData("BTCUSDT", false)]
    [InlineData(":BTC", false)]
    [InlineData("BINANCE:", false)]
    [InlineData("A:B:C", false)]
    public void InstrumentIdIsVenueColonSymbolInUpperCase(string text, bool valid) =>
        Assert.Equal(valid, InstrumentId.TryParse(text, out _, out _));
}
