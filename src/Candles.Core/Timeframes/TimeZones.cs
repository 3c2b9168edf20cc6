using System.Diagnostics.CodeAnalysis;
using NodaTime;
using NodaTime.TimeZones;

namespace Candles.Core.Timeframes;

/// <summary>IANA time zones by name, from the tz database NodaTime ships, so every machine cuts the same bars.</summary>
public static class TimeZones
{
    private const string UtcCanonicalId = "Etc/UTC";

    /// <summary>Finds a zone by IANA name (<c>UTC</c>, <c>America/New_York</c>); unknown names are refused.</summary>
    public static bool TryFind(string? name, [NotNullWhen(true)] out DateTimeZone? zone, [NotNullWhen(false)] out string? error)
    {
        // An alias (US/Eastern) is served under its canonical name (America/New_York), so one zone has one name;
        // UTC and its aliases (Etc/UTC, Zulu, Universal) are UTC rather than Etc/UTC, the name sealing knows it by, and
        // NodaTime's own UTC: the tz database (tens of milliseconds to load) is only read for a zone that needs it.
        zone = string.IsNullOrEmpty(name) ? null
            : name == DateTimeZone.Utc.Id ? DateTimeZone.Utc
            : TzdbDateTimeZoneSource.Default.CanonicalIdMap.TryGetValue(name, out var canonical)
                ? canonical == UtcCanonicalId ? DateTimeZone.Utc : DateTimeZoneProviders.Tzdb.GetZoneOrNull(canonical)
            : DateTimeZoneProviders.Tzdb.GetZoneOrNull(name);
        error = zone is null ? $"time zone '{name}' is not an IANA zone name such as UTC or America/New_York" : null;
        return zone is not null;
    }

    /// <summary>Finds a zone or throws <see cref="ArgumentException"/> with the reason.</summary>
    public static DateTimeZone Find(string name) =>
        TryFind(name, out var zone, out var error) ? zone : throw new ArgumentException(error, nameof(name));

    /// <summary>The zone's name as it appears in file names: '/' becomes '-' (<c>America-New_York</c>).</summary>
    public static string FileSafeName(DateTimeZone zone) => zone.Id.Replace('/', '-');
}
