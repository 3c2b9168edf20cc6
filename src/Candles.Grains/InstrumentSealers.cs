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
    private readonly NewDayNotices _newDays = new(instrument, zones, zone => grains.GetGrain<IPeriodGrain>(GrainKeys.Period(instrument, zone)), logger);

    /// <summary>The day of every sealed zone: what the builder needs to know which minutes a sealed day is made of.</summary>
    public BarSchedule[] Days => _newDays.Days;

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

    /// <summary>The builder was rolled back or restored: the sealers are asked again whether they know its newest bar's day.</summary>
    public void AskAgain() => _newDays.AskAgain();

    /// <summary>
    /// Before <paramref name="changes"/> are committed: keeps each finished sealed day they correct and has the sealers
    /// check, so such a day is re-sealed even if the stream message carrying the corrections is lost (a crash between the
    /// commit and the publish). The hold is four check periods: the first check comes within one, so a failed re-seal is
    /// tried three times before a later call can cut the day.
    /// <para>
    /// Then the sealers are told of the day holding the newest bar, if it is new to them (<see cref="NewDayNotices"/>).
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
        if (builder.LastOpenTimeMs is { } newestMs)
        {
            if (asked)
            {
                _newDays.Answered(newestMs);
            }

            await _newDays.TellAsync(newestMs);
        }
    }

    /// <summary>
    /// A gap marked in <paramref name="startMs"/>'s minute: if that minute is in a finished sealed day, the sealers check,
    /// and seal the days overlapping it as partial (a gap in minutes without bars corrects none, so no message says so).
    /// </summary>
    public Task RecheckGapAsync(long startMs, BarBuilder builder) =>
        builder.FinishedSealedDayStartMs(startMs) is null ? Task.CompletedTask : RecheckAsync();

    // Whether every sealer was reached.
    private async Task<bool> RecheckAsync()
    {
        try
        {
            await Task.WhenAll(Sealers().Select(sealer => sealer.Recheck()));
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The stream message still carries the corrections, and the sealer's own check comes back later; only the
            // safety net is missing for this commit.
            LogRecheckFailed(logger, ex, instrument);
            return false;
        }
    }

    private IEnumerable<IPeriodGrain> Sealers() => zones.Select(zone => grains.GetGrain<IPeriodGrain>(GrainKeys.Period(instrument, zone)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask the sealers of {Instrument} to check its corrected or missing minutes now")]
    private static partial void LogRecheckFailed(ILogger logger, Exception exception, string instrument);
}
