using System.Text;
using Candles.Core.Instruments;
using Candles.Core.Ticks;
using Candles.Gateway.Json;

namespace Candles.Gateway.Requests;

/// <summary>Ingest ticks from JSON to the instrument's units; the first bad tick refuses the whole batch, so nothing is half-applied.</summary>
public static class TickParsing
{
    public static bool TryConvert(IReadOnlyList<TickJson> input, Instrument instrument, out Tick[] ticks, out string? error)
    {
        ticks = new Tick[input.Count];
        Span<byte> utf8 = stackalloc byte[64];
        for (var i = 0; i < input.Count; i++)
        {
            var t = input[i];
            error = Check(t, instrument, utf8, out var tick);
            if (error is not null)
            {
                error = $"tick {i} (id {t.Id}): {error}";
                return false;
            }

            ticks[i] = tick;
        }

        error = null;
        return true;
    }

    private static string? Check(TickJson t, Instrument instrument, Span<byte> utf8, out Tick tick)
    {
        tick = default;
        if (t.Id is not { } id)
        {
            return "'id' (the venue's trade id, which makes ingest idempotent) is missing";
        }

        if (id < 0)
        {
            return "id must not be negative";
        }

        if (t.T >= MillisecondLimit)
        {
            return $"'t' {t.T} is not Unix milliseconds (microseconds go in 'us')";
        }

        if (t.Us >= TickTime.NanosecondThreshold)
        {
            return $"'us' {t.Us} looks like Unix nanoseconds; give Unix microseconds";
        }

        // Checked before 't' is made microseconds: a negative one could wrap around to a valid-looking time.
        var timeUs = t.T <= 0 || t.Us <= 0 ? 0 : t.Us ?? (t.T is { } ms ? ms * 1000 : 0);
        if (timeUs <= 0 || (t.Us is not null && t.T is not null && t.T != Math.DivRem(t.Us.Value, 1000, out _)))
        {
            return "give the time as 't' (Unix ms) or 'us' (Unix µs), positive, and not two different times";
        }

        if (Units(t.P, instrument.TickSize, utf8, "price", out var price) is { } priceError)
        {
            return priceError;
        }

        if (Units(t.Q, instrument.QuantityStep, utf8, "quantity", out var quantity) is { } quantityError)
        {
            return quantityError;
        }

        AggressorSide? side = t.Side switch
        {
            "buy" => AggressorSide.Buy,
            "sell" => AggressorSide.Sell,
            _ => null,
        };
        if (side is null)
        {
            return $"side '{t.Side}' is not 'buy' (taker bought) or 'sell' (taker sold)";
        }

        tick = new Tick(id, timeUs, price, quantity, side.Value);
        return null;
    }

    /// <summary>Unix milliseconds stay below this until the year 5138: a 't' above it is microseconds or worse.</summary>
    private const long MillisecondLimit = 100_000_000_000_000;

    private static string? Units(string? text, Increment grid, Span<byte> utf8, string what, out long units)
    {
        units = 0;
        if (text is null || text.Length > utf8.Length || Encoding.ASCII.GetBytes(text, utf8) != text.Length)
        {
            return $"{what} '{text}' is missing or not a plain decimal string";
        }

        return grid.TryParseUnits(utf8[..text.Length], out units) switch
        {
            UnitsParse.Ok when units > 0 => null,
            UnitsParse.Ok => $"{what} '{text}' must be positive",
            UnitsParse.OffGrid => $"{what} '{text}' is not a whole multiple of {grid}",
            UnitsParse.Negative => $"{what} '{text}' is negative",
            UnitsParse.TooLarge => $"{what} '{text}' is too large",
            _ => $"{what} '{text}' is not a number",
        };
    }
}
