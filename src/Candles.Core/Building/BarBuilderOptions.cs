using Candles.Core.Timeframes;

namespace Candles.Core.Building;

/// <summary>Settings of a <see cref="BarBuilder"/>.</summary>
public sealed record BarBuilderOptions
{
    public static BarBuilderOptions Default { get; } = new();

    /// <summary>
    /// How far back from the newest bar closed bars are kept and late ticks accepted; null keeps everything
    /// (offline aggregation of a whole file). Counted from the newest bar, not the wall clock, so a replayed
    /// old tape is kept.
    /// </summary>
    public TimeSpan? Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The days sealed from these bars (one daily schedule per sealed zone). A late tick is refused as too old when its
    /// minute lies in one of them that has finished and that the retention has cut into: such a day was sealed from
    /// minutes some of which are gone now, so it cannot be sealed again, and an amended minute in it would leave the
    /// 1m bars and the sealed day disagreeing for good. The retention counts back from the newest bar, so even a short one
    /// can hold a sparse day whole when it ends; with one shorter than a day, late ticks across midnight are refused.
    /// Empty: only the retention itself bounds late ticks.
    /// </summary>
    public IReadOnlyList<BarSchedule> SealedDays { get; init; } = [];

    /// <summary>
    /// Whether bars carry their footprints (the default). Off where only candles are wanted (the <c>aggregate</c> verb
    /// writing candles), so no footprint is built only to be dropped: every bar then has <see cref="Bars.Footprint.Empty"/>.
    /// </summary>
    public bool Footprints { get; init; } = true;

    /// <summary>
    /// Closed bars opening within this span of the newest one are held as objects; older ones are held packed
    /// (<see cref="Bars.PackedBar"/>, a quarter of the memory) and unpacked when read. Null holds every bar as an object:
    /// a run that reads each bar many times and keeps none (the <c>aggregate</c> verb).
    /// </summary>
    public TimeSpan? UnpackedSpan { get; init; } = TimeSpan.FromHours(1);
}
