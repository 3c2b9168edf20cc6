using System.Globalization;

namespace Candles.Gateway.Requests;

/// <summary>A time given as Unix milliseconds or as ISO 8601 (an offset or 'Z' is required, so nothing is guessed).</summary>
public static class TimeParameter
{
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
