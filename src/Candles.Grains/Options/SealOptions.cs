namespace Candles.Grains.Options;

/// <summary>Which zones' daily, weekly and monthly bars are sealed: section <c>Candles:Seal</c>.</summary>
public sealed class SealOptions
{
    public const string Section = "Candles:Seal";

    /// <summary>IANA zones whose calendar bars are sealed for every instrument (UTC always included).</summary>
    public List<string> Zones { get; set; } = [];

    /// <summary>How often a sealer re-checks its instrument by itself (catch-up and corrections), at least a minute.</summary>
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    public IReadOnlyList<string> AllZones => ["UTC", .. Zones.Where(z => z != "UTC").Distinct()];
}
