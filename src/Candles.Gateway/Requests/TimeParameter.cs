using System.Globalization;

namespace Candles.Gateway.Requests;

/// <summary>A time given as Unix milliseconds or as ISO 8601 (an offset or 'Z' is required, so nothing is guessed).</summary>
public static class TimeParameter
{
    /// <summary>The earliest and latest times a request may name: years 0001 to 9999, as ISO 8601 can write them.</summary>
    public const long MinMs = -62_135_596_800_000;

    public const long MaxMs = 253_402_300_799_999;

    /// <summary>
    /// Bars exist only between these (ticks before 2009 or decades ahead are refused), so a time outside is moved to
    /// the nearest, which changes no answer and keeps calendar arithmetic in range. A month's margin below 2009 keeps
    /// the first months of every zone.
    /// </summary>
    private const long EarliestBarMs = 1_228_089_600_000;

    private const long LatestBarMs = 7_258_118_400_000;

    /// <summary>Reads <paramref name="text"/> as the request's <paramref name="name"/> time; the reason if it is not one.</summary>
    public static string? Check(string name, string text, out long unixMs)
    {
        if (!TryParse(text, out unixMs))
        {
            return $"{name} '{text}' is not Unix milliseconds or ISO 8601 with a zone";
        }

        if (unixMs is < MinMs or > MaxMs)
        {
            return $"{name} '{text}' is outside the calendar (years 0001 to 9999, {MinMs} to {MaxMs} in Unix ms)";
        }

        return null;
    }

    /// <summary>A checked time moved into the years bars can exist in.</summary>
    public static long ClampToBars(long unixMs) => Math.Clamp(unixMs, EarliestBarMs, LatestBarMs);

    public static bool TryParse(string? text, out long unixMs)
    {
        unixMs = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out unixMs))
        {
            return true;
        }

        var hasZone = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 19 && (text[^6] is '+' or '-'));
        if (hasZone && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            unixMs = time.ToUnixTimeMilliseconds();
            return true;
        }

        return false;
    }
}
