using System.Globalization;
using System.Text.Json;
using Candles.Core.Ticks;

namespace Candles.Ingest.Feeds;

/// <summary>Reading venue JSON: fields that must be there and of the documented type, else the message is malformed.</summary>
internal static class VenueJson
{
    public static bool TryParse(ReadOnlyMemory<byte> message, out JsonDocument? document)
    {
        try
        {
            document = JsonDocument.Parse(message);
            return true;
        }
        catch (JsonException)
        {
            document = null;
            return false;
        }
    }

    /// <summary>A non-empty string property.</summary>
    public static bool TryString(JsonElement element, string name, out string value)
    {
        value = string.Empty;
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var property) || property.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        return TryText(property, out value) && value.Length > 0;
    }

    /// <summary>A JSON string's text; false for one that holds an escaped lone surrogate, of which no string can be made.</summary>
    private static bool TryText(JsonElement property, out string value)
    {
        try
        {
            value = property.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = string.Empty;
            return false;
        }
    }

    /// <summary>An integer given as a JSON number or as a decimal string of digits (OKX and Bybit quote their ids).</summary>
    public static bool TryInt64(JsonElement element, string name, out long value)
    {
        value = 0;
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var property))
        {
            return false;
        }

        return property.ValueKind switch
        {
            JsonValueKind.Number => property.TryGetInt64(out value),
            JsonValueKind.String => TryText(property, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    /// <summary>
    /// A trade time a venue can send: from 2009 (the earliest a bar holds) and short of nanoseconds. A trade at any other is
    /// left out, so its id is missed and fetched again, rather than its time marking a gap from 1970.
    /// </summary>
    public static bool Plausible(long timeUs) => timeUs >= TickTime.EarliestUs && timeUs < TickTime.NanosecondThreshold;

    /// <summary>A Unix-microsecond trade time (Binance asked for microseconds).</summary>
    public static bool TryMicroseconds(JsonElement element, string name, out long timeUs) => TryInt64(element, name, out timeUs) && Plausible(timeUs);

    /// <summary>
    /// A Unix-millisecond trade time (OKX, Bybit) as microseconds. One not positive, or so large its microseconds would wrap
    /// around to a valid-looking time, is malformed; whether it is <see cref="Plausible"/> is the caller's to ask, per trade.
    /// </summary>
    public static bool TryMillisecondsAsUs(JsonElement element, string name, out long timeUs)
    {
        timeUs = 0;
        if (!TryInt64(element, name, out var timeMs) || timeMs <= 0 || timeMs >= TickTime.NanosecondThreshold / 1000)
        {
            return false;
        }

        timeUs = timeMs * 1000;
        return true;
    }

    public static bool TryBool(JsonElement element, string name, out bool value)
    {
        value = false;
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var property)
            || property.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return false;
        }

        value = property.GetBoolean();
        return true;
    }

    /// <summary>An ISO 8601 UTC trade time with up to microseconds ("2014-11-07T08:19:27.028459Z") as Unix microseconds.</summary>
    public static bool TryIsoTimeUs(JsonElement element, string name, out long timeUs)
    {
        timeUs = 0;
        if (!TryString(element, name, out var text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return false;
        }

        timeUs = (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return Plausible(timeUs);
    }
}
