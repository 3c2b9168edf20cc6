namespace Candles.Grains.Options;

/// <summary>How an instrument's grain builds and keeps its bars.</summary>
public sealed class SymbolGrainOptions
{
    public const string Section = "Candles:Symbols";

    /// <summary>How long after a minute ends a live source may still deliver its ticks before the bar closes.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a live instrument's watermark is advanced by the wall clock, closing quiet minutes.</summary>
    public TimeSpan ScanPeriod { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Live-bar updates on the 1m stream are coalesced to at most one per this period; closes and corrections go at once.</summary>
    public TimeSpan UpdatePeriod { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How far back from the newest bar 1m bars are kept and late ticks accepted.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How far past the wall clock a tick's event time may be (<c>Candles:Ingest:MaxFutureSkew</c>); later ticks are
    /// refused and counted, as are ticks before 2009.
    /// </summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(1);
}
