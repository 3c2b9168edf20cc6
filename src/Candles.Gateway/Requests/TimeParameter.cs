using System.Globalization;
using System.Text.RegularExpressions;

namespace Candles.Gateway.Requests;

/// <summary>A time given as Unix milliseconds or as ISO 8601 with a zone ('Z' or an offset is required, so nothing is guessed).</summary>
public static partial class TimeParameter
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

        if (TryParseIso(text, out var time))
        {
            unixMs = time.ToUnixTimeMilliseconds();
            return true;
        }

        return false;
    }

    /// <summary>
    /// ISO 8601 date and time with a zone, extended (2026-03-01T09:30:00.250+01:00) or basic (20260301T093000Z), seconds
    /// and fraction optional, the zone Z or an offset of hours with or without minutes (+01, +0100, +01:00); a space
    /// may stand for the T, as RFC 3339 allows.
    /// </summary>
    private static bool TryParseIso(string text, out DateTimeOffset time)
    {
        time = default;
        // Extended or basic throughout: a date with dashes has a time with colons.
        var match = IsoDateTime().Match(text);
        if (!match.Success || match.Groups["dash"].Length != match.Groups["colon"].Length)
        {
            return false;
        }

        var fraction = match.Groups["fraction"].Value;
        var local = string.Create(CultureInfo.InvariantCulture, $"{match.Groups["date"].Value.Replace("-", "", StringComparison.Ordinal)}{match.Groups["hour"].Value}{match.Groups["minute"].Value}{(match.Groups["second"].Success ? match.Groups["second"].Value : "00")}{(fraction.Length > 7 ? fraction[..7] : fraction).PadRight(7, '0')}");
        if (!DateTime.TryParseExact(local, "yyyyMMddHHmmssfffffff", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            return false;
        }

        var offset = TimeSpan.Zero;
        if (match.Groups["offset"].Success)
        {
            var hours = int.Parse(match.Groups["offsetHours"].Value, CultureInfo.InvariantCulture);
            var minutes = match.Groups["offsetMinutes"].Success ? int.Parse(match.Groups["offsetMinutes"].Value, CultureInfo.InvariantCulture) : 0;
            if (minutes > 59)
            {
                return false;
            }

            offset = new TimeSpan(hours, minutes, 0) * (match.Groups["sign"].Value == "-" ? -1 : 1);
            if (offset.Duration() > TimeSpan.FromHours(14))
            {
                return false;
            }
        }

        // Near year 1 or 9999 an offset can put the instant outside the calendar.
        var utcTicks = at.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        time = new DateTimeOffset(at, offset);
        return true;
    }

    [GeneratedRegex(@"^(?<date>[0-9]{4}(?<dash>-?)[0-9]{2}\k<dash>[0-9]{2})[Tt ](?<hour>[0-9]{2})(?<colon>:?)(?<minute>[0-9]{2})(?:\k<colon>(?<second>[0-9]{2})(?:[.,](?<fraction>[0-9]{1,9}))?)?(?:[Zz]|(?<offset>(?<sign>[+-])(?<offsetHours>[0-9]{2})(?::?(?<offsetMinutes>[0-9]{2}))?))\z", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDateTime();
}
