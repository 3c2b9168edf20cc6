using Candles.Core.Timeframes;

namespace Candles.Grains.Options;

/// <summary>Which zones' daily, weekly and monthly bars are sealed: section <c>Candles:Seal</c>.</summary>
public sealed class SealOptions
{
    public const string Section = "Candles:Seal";

    /// <summary>IANA zones whose calendar bars are sealed for every instrument (UTC always included).</summary>
    public List<string> Zones { get; set; } = [];

    /// <summary>How often a sealer re-checks its instrument by itself (catch-up and corrections), at least a minute.</summary>
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary><see cref="CheckPeriod"/>, at least a minute (the reminders' shortest period).</summary>
    public TimeSpan CheckEvery => CheckPeriod < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : CheckPeriod;

    /// <summary>
    /// The zones sealed, UTC first, each under its canonical name: an alias (US/Eastern) is sealed and served as the zone
    /// requests name (America/New_York). A name that is no zone is kept as it is, for the validation to refuse.
    /// </summary>
    public IReadOnlyList<string> AllZones => ["UTC", .. Zones.Select(Canonical).Where(z => z != "UTC").Distinct()];

    private static string Canonical(string zone) => TimeZones.TryFind(zone, out var found, out _) ? found.Id : zone;
}
