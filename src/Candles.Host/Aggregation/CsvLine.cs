using System.Globalization;
using Candles.Core;
using Candles.Core.Bars;
using Candles.Core.Instruments;

namespace Candles.Host.Aggregation;

/// <summary>Builds one CSV line at a time in a reused buffer and writes it, so a row costs no allocation.</summary>
internal sealed class CsvLine(TextWriter writer, Instrument instrument)
{
    private readonly char[] _buffer = new char[16 * FixedDecimal.MaxChars];
    private int _length;

    public CsvLine Integer(long value)
    {
        Separate();
        value.TryFormat(_buffer.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
        _length += written;
        return this;
    }

    public CsvLine Price(long ticks) => Append(instrument.TickSize.TryFormat(ticks, _buffer.AsSpan(Separate()), out var written), written);

    public CsvLine Quantity(Volume steps) => Append(instrument.QuantityStep.TryFormat(steps, _buffer.AsSpan(Separate()), out var written), written);

    public CsvLine QuoteVolume(Volume tickSteps) => Append(instrument.TryFormatQuoteVolume(tickSteps, _buffer.AsSpan(Separate()), out var written), written);

    public void End()
    {
        _buffer[_length++] = '\n';
        writer.Write(_buffer, 0, _length);
        _length = 0;
    }

    private CsvLine Append(bool fitted, int written)
    {
        if (!fitted)
        {
            throw new InvalidOperationException("a CSV cell does not fit the line buffer");
        }

        _length += written;
        return this;
    }

    private int Separate()
    {
        if (_length > 0)
        {
            _buffer[_length++] = ',';
        }

        return _length;
    }
}
