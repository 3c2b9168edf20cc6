using Candles.Core.Bars;

namespace Candles.Core.Instruments;

/// <summary>
/// A traded instrument and its grids. Prices are counted in ticks of <see cref="TickSize"/>, quantities in
/// steps of <see cref="QuantityStep"/>; quote volume (price × quantity) is counted in tick × step units.
/// </summary>
public sealed record Instrument(InstrumentId Id, Increment TickSize, Increment QuantityStep)
{
    /// <summary>Price in ticks to decimal text at the tick's scale: "65000.01".</summary>
    public string FormatPrice(long ticks) => TickSize.Format(ticks);

    /// <summary>Quantity in steps to decimal text at the step's scale: "0.01978".</summary>
    public string FormatQuantity(Volume steps) => QuantityStep.Format(steps);

    /// <summary>Quote volume in tick × step units to text with the tick's and the step's places together.</summary>
    public string FormatQuoteVolume(Volume tickSteps) =>
        FixedDecimal.Format(tickSteps * TickSize.Mantissa * QuantityStep.Mantissa, TickSize.Scale + QuantityStep.Scale);

    /// <summary><see cref="FormatQuoteVolume"/> into a span, without allocating.</summary>
    public bool TryFormatQuoteVolume(Volume tickSteps, Span<char> destination, out int charsWritten) =>
        FixedDecimal.TryFormat(tickSteps * TickSize.Mantissa * QuantityStep.Mantissa, TickSize.Scale + QuantityStep.Scale, destination, out charsWritten);

    /// <summary>
    /// A footprint price step in ticks: the text must be a positive whole multiple of the tick size.
    /// </summary>
    public bool TryParsePriceStep(string? text, out long stepTicks, out string? error)
    {
        stepTicks = 0;
        if (text is null || !Increment.TryParse(text, out _, out _))
        {
            error = $"step '{text}' is not a positive decimal";
            return false;
        }

        var outcome = TickSize.TryParseUnits(System.Text.Encoding.ASCII.GetBytes(text), out stepTicks);
        if (outcome != UnitsParse.Ok || stepTicks <= 0)
        {
            error = $"step '{text}' is not a whole multiple of the tick size {TickSize}";
            return false;
        }

        error = null;
        return true;
    }
}
