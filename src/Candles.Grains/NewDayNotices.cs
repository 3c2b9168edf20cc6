using Candles.Abstractions.Grains;
using Candles.Core.Timeframes;
using Microsoft.Extensions.Logging;

namespace Candles.Grains;

/// <summary>
/// Makes sure each zone's sealer has heard of the day holding the instrument's newest bar before that bar is committed.
/// A sealer with everything sealed has no check waiting and would hear of a new day from the 1m stream alone, whose
/// messages a silo can take with it: a day the instrument then never traded in again would never be sealed. A sealer is
/// asked when the newest bar opens a day after the last one it answered for, and by a new activation, or after a rollback,
/// once more (an ask that failed is kept nowhere); it answers at once when it knows the day.
/// </summary>
internal sealed partial class NewDayNotices(string instrument, IReadOnlyList<string> zones, Func<string, IPeriodGrain> sealerOf, ILogger logger)
{
    /// <summary>The day of every zone, in the zones' order.</summary>
    public BarSchedule[] Days { get; } = [.. zones.Select(BarSchedule.DaysIn)];

    /// <summary>How long a commit waits for the sealers; one that did not answer is asked again later.</summary>
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(5);

    /// <summary>After a failed ask, commits go on without asking for this long: a sealer that hangs must not hold every commit.</summary>
    private const long AskAgainAfterMs = 30_000;

    // Per zone, where the day after the newest bar its sealer answered for starts; long.MinValue: to be asked.
    private readonly long[] _answeredUntilMs = [.. zones.Select(_ => long.MinValue)];
    private long _askAgainAtMs = long.MinValue;

    /// <summary>The builder was rolled back or restored: what the sealers answered for may not be in the store.</summary>
    public void AskAgain() => Array.Fill(_answeredUntilMs, long.MinValue);

    /// <summary>Every sealer was asked to check (a correction): each will read the instrument's newest bar.</summary>
    public void Answered(long newestOpenMs)
    {
        for (var i = 0; i < _answeredUntilMs.Length; i++)
        {
            _answeredUntilMs[i] = Math.Max(_answeredUntilMs[i], Days[i].PeriodOf(newestOpenMs).EndMs);
        }
    }

    /// <summary>Tells the sealers of the zones where <paramref name="newestOpenMs"/> opens a day they have not answered for.</summary>
    public async Task TellAsync(long newestOpenMs)
    {
        List<int>? due = null;
        for (var i = 0; i < _answeredUntilMs.Length; i++)
        {
            if (newestOpenMs >= _answeredUntilMs[i])
            {
                (due ??= []).Add(i);
            }
        }

        if (due is null || Environment.TickCount64 < _askAgainAtMs)
        {
            return;
        }

        try
        {
            await Task.WhenAll(due.Select(i => sealerOf(zones[i]).HearOf(newestOpenMs))).WaitAsync(AnswerWithin);
            foreach (var i in due)
            {
                _answeredUntilMs[i] = Days[i].PeriodOf(newestOpenMs).EndMs;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The stream message still tells the sealer, and the next ask comes with a commit after the wait.
            _askAgainAtMs = Environment.TickCount64 + AskAgainAfterMs;
            LogNotTold(logger, ex, instrument);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the sealers of {Instrument} of its new day now; asked again in 30 s")]
    private static partial void LogNotTold(ILogger logger, Exception exception, string instrument);
}
