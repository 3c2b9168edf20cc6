namespace Candles.Core.Building;

/// <summary>How many ticks the builder counted for each outcome.</summary>
public readonly record struct BuilderCounters(long Applied, long Amended, long Duplicates, long TooOld)
{
    public long Total => Applied + Amended + Duplicates + TooOld;
}
