using Candles.Abstractions.Grains;
using Candles.Core.Building;
using Candles.Core.Timeframes;
using Microsoft.Extensions.Logging;

namespace Candles.Grains;

/// <summary>
/// An instrument's sealers, one per sealed zone, as its grain deals with them: woken to follow the 1m stream, asked to
/// check before corrections of sealed days or the first bar of a new day are committed, and corrected days kept past
/// the 1m retention meanwhile.
/// </summary>
internal sealed partial class InstrumentSealers(IGrainFactory grains, string instrument, IReadOnlyList<string> zones, CorrectedDayKeep keep, ILogger logger)
{
    // Per sealed zone, where the day after the newest bar its sealer knows of starts: a bar opening there or later is in
    // a day it may not have heard of. Null until a builder is restored.
    private long[]? _newDayFromMs;

    /// <summary>The day of every sealed zone: what the builder needs to know which minutes a sealed day is made of.</summary>
    public BarSchedule[] Days { get; } = [.. zones.Select(zone => BarSchedule.For(Timeframe.Parse("1d"), TimeZones.Find(zone)))];

    /// <summary>Activates the sealers, which then follow the 1m stream by themselves.</summary>
    public Task WakeAsync() => Task.WhenAll(Sealers().Select(sealer => sealer.Watch()));

    /// <summary>Gives the builder the corrected sealed days still kept; one whose hold is over goes at the next new bar.</summary>
    public BarBuilder WithKeep(BarBuilder builder)
    {
        builder.KeepFrom(keep.KeptFromMs());
        return builder;
    }

    /// <summary>The holds, for the checkpoint of the next commit.</summary>
    public IReadOnlyList<(long DayStartMs, long UntilMs)> Held() => keep.Held();

    /// <summary>
    /// A new activation (after a crash, a move or a rest) takes over the holds its last commit carried (<paramref name="held"/>),
    /// so the check the sealers registered when a correction was committed still finds the day whole. A checkpoint stored
    /// without them tells nothing: then every finished sealed day still whole that holds a corrected minute is kept for
    /// the hold, once, as the next commit carries the holds. The sealers are not asked to check here: they would be woken
    /// at every activation, and would wake the instrument in turn.
    /// </summary>
    public void KeepRestored(BarBuilder builder, IReadOnlyList<(long DayStartMs, long UntilMs)>? held)
    {
        if (held is not null)
        {
            keep.Resume(held);
            return;
        }

        foreach (var openMs in builder.RevisedBefore(long.MaxValue).OpenTimesMs)
        {
            if (builder.FinishedSealedDayStartMs(openMs) is { } dayStartMs && dayStartMs > builder.TrimmedThroughMs)
            {
                keep.Keep(dayStartMs);
            }
        }
    }

    /// <summary>
    /// The builder as restored or rolled back: its newest bar is one the sealers know of, as it was committed (the first
    /// bar of each day is committed only once they were asked to check).
    /// </summary>
    public void Known(BarBuilder? builder) => _newDayFromMs = [.. Days.Select(days => NextDayStartMs(days, builder?.LastOpenTimeMs))];

    /// <summary>
    /// Before <paramref name="changes"/> are committed: keeps each finished sealed day they correct and has the sealers
    /// check, so such a day is re-sealed even if the stream message carrying the corrections is lost (a crash between the
    /// commit and the publish). The hold is four check periods: the first check comes within one, so a failed re-seal is
    /// tried three times before a later call can cut the day.
    /// <para>
    /// The sealers also check when the builder's newest bar opens a new day: a sealer with everything sealed has no check
    /// waiting, and would otherwise hear of the day from the stream alone. If every message of that day were lost (a silo
    /// gone with them) and the instrument never traded again, the day would never be sealed.
    /// </para>
    /// </summary>
    public async Task KeepAndRecheckAsync(IReadOnlyList<BarChange> changes, BarBuilder builder)
    {
        var correctsSealedDays = false;
        foreach (var change in changes)
        {
            if (change.Kind == BarChangeKind.Corrected && builder.FinishedSealedDayStartMs(change.Bar.Candle.OpenTimeMs) is { } dayStartMs)
            {
                keep.Keep(dayStartMs);
                correctsSealedDays = true;
            }
        }

        var asked = correctsSealedDays && await RecheckAsync();
        if (builder.LastOpenTimeMs is not { } newestMs || _newDayFromMs is not { } newDayFromMs)
        {
            return;
        }

        // Only the sealers of the zones where the newest bar opens a new day; each knows of it once it was asked.
        for (var i = 0; i < newDayFromMs.Length; i++)
        {
            if (newestMs >= newDayFromMs[i] && (asked || await RecheckAsync([zones[i]])))
            {
                newDayFromMs[i] = NextDayStartMs(Days[i], newestMs);
            }
        }
    }

    /// <summary>
    /// A gap marked in <paramref name="startMs"/>'s minute: if that minute is in a finished sealed day, the sealers check,
    /// and seal the days overlapping it as partial (a gap in minutes without bars corrects none, so no message says so).
    /// </summary>
    public Task RecheckGapAsync(long startMs, BarBuilder builder) =>
        builder.FinishedSealedDayStartMs(startMs) is null ? Task.CompletedTask : RecheckAsync();

    // Whether every sealer asked (of every zone unless given) was reached.
    private async Task<bool> RecheckAsync(IEnumerable<string>? only = null)
    {
        try
        {
            await Task.WhenAll(Sealers(only).Select(sealer => sealer.Recheck()));
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The stream message still carries the corrections or the new day, and a sealer's own check comes back
            // later; only the safety net is missing for this commit (a new day is asked about again at the next).
            LogRecheckFailed(logger, ex, instrument);
            return false;
        }
    }

    // A builder without bars: its first bar opens a day no sealer knows of.
    private static long NextDayStartMs(BarSchedule days, long? openMs) => openMs is { } ms ? days.PeriodOf(ms).EndMs : long.MinValue;

    private IEnumerable<IPeriodGrain> Sealers(IEnumerable<string>? only = null) => (only ?? zones).Select(zone => grains.GetGrain<IPeriodGrain>(GrainKeys.Period(instrument, zone)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask the sealers of {Instrument} to check its corrected or missing minutes, or a new day, now")]
    private static partial void LogRecheckFailed(ILogger logger, Exception exception, string instrument);
}
