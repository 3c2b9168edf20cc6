using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Composition;
using Candles.Core.Timeframes;

namespace Candles.Grains;

/// <summary>
/// A timeframe's candles without footprints, composed from its instrument's closed minutes (and sealed days) and kept
/// current as they change: folded forward by each 1m message that follows the one they are current with
/// (<see cref="CandleFold"/>), else composed anew. Served with the live minute folded into the last candle.
/// </summary>
internal sealed class CandleCache(ISymbolGrain symbol, BarSchedule schedule, SealedDays? sealedDays)
{
    // Candles composed from closed data, current while both versions are; bars opening before _retainedFromMs may be partial.
    private long _version = long.MinValue;
    private long _sealVersion = long.MinValue;
    private long _retainedFromMs = long.MinValue;
    private IncompleteSpans? _incomplete;
    private List<Bar> _closed = [];

    // The newest minute the composition holds, and the 1m message it is current with: the next message, if it holds a
    // whole commit, is folded in rather than the whole 1m history read again.
    private long _throughMinuteMs = long.MinValue;
    private long _atSequence = long.MinValue;

    // Sealed days without footprints, current while the sealer's version is.
    private long _sealedDaysVersion = long.MinValue;
    private SealedPeriods _sealedHeld = SealedPeriods.None;

    /// <summary>
    /// The closed candles, ascending. A change replaces the list, never edits it in place: the publisher compares the
    /// list it last sent with this one by reference.
    /// </summary>
    public IReadOnlyList<Bar> Closed => _closed;

    /// <summary>Candles opening before this may be partial.</summary>
    public long RetainedFromMs => _retainedFromMs;

    public IncompleteSpans? Incomplete => _incomplete;

    /// <summary>
    /// Brings the closed candles up to date if the 1m bars or the sealed days changed since they were cached: by
    /// folding in the 1m message that follows the one the cache is current with, else by recomposing them all.
    /// </summary>
    public async Task EnsureAsync(LiveState live, SealState? sealState, BarEvents? message = null)
    {
        var sealVersion = sealState?.Version ?? long.MinValue;

        // A live minute the cache holds as closed cannot be (a read of the minutes raced a rollback of the instrument's
        // watermark): everything is read again.
        var liveHeld = live.Live is { } minute && minute.Candle.OpenTimeMs <= _throughMinuteMs;
        if (!liveHeld && live.ClosedVersion == _version && sealVersion == _sealVersion)
        {
            // No closed bar changed since: the cache is as current with this message (or read) as with its own.
            _atSequence = Math.Max(_atSequence, message?.Sequence ?? live.Sequence);
            return;
        }

        if (!liveHeld && message is not null && await TryFoldAsync(message, live.Live?.Candle.OpenTimeMs ?? long.MaxValue))
        {
            return;
        }

        // The minutes closed as of the state read: before its live minute or, with none live, before its watermark's
        // minute. A minute opened and closed since (the two reads are apart) is left to the messages that report it.
        var closed = await symbol.GetMinuteCandles(long.MinValue, live.Live?.Candle.OpenTimeMs ?? ClosedBeforeMs(live.WatermarkUs));
        (_throughMinuteMs, _atSequence) = (closed.Bars.Count > 0 ? closed.Bars[^1].Candle.OpenTimeMs : long.MinValue, message?.Sequence ?? live.Sequence);
        if (sealedDays is null)
        {
            _closed = BarComposer.Compose(closed.Bars, schedule, footprintStepTicks: null);
            _retainedFromMs = closed.RetainedFromMs;
            _incomplete = closed.Incomplete;
        }
        else
        {
            if (sealVersion != _sealedDaysVersion)
            {
                _sealedHeld = await sealedDays.LoadAsync(long.MinValue, long.MaxValue, footprints: false);
                _sealedDaysVersion = sealVersion;
            }

            _closed = BarComposer.Compose(sealedDays.Merge(_sealedHeld.Days, closed, footprints: false), schedule, footprintStepTicks: null);
            _retainedFromMs = SealedDays.RetainedFromMs(closed, _sealedHeld.Days);
            _incomplete = SealedDays.Incomplete(closed, _sealedHeld, sealState?.SealedThroughMs ?? long.MinValue);
        }

        (_version, _sealVersion) = (live.ClosedVersion, sealVersion);
    }

    /// <summary>The start of the watermark's minute: every minute closed at that watermark opened before it (it ended at or before the watermark).</summary>
    private static long ClosedBeforeMs(long watermarkUs) => watermarkUs <= 0 ? long.MinValue : Minutes.PeriodOf(watermarkUs / 1000).StartMs;

    private static readonly BarSchedule Minutes = BarSchedule.For(Timeframe.OneMinute, NodaTime.DateTimeZone.Utc);

    /// <summary>
    /// Folds a 1m message into the cached candles, when it is the next one after the message they are current with
    /// and holds a whole commit (so the cache is then exactly as of its version): the minutes it closed (the live bar
    /// closing, always the newest) extend the last bar or start the next; bars the retention cut are recomposed from
    /// the minutes left. A new list, so the publisher still compares every bar. False, changing nothing, when the
    /// message needs the whole history read again: a correction, a gap, a part of a commit, sealed days.
    /// </summary>
    /// <param name="message">The 1m message.</param>
    /// <param name="liveOpenMs">The live minute as of the message: it is not a closed minute, so no bar holds it here.</param>
    private async Task<bool> TryFoldAsync(BarEvents message, long liveOpenMs)
    {
        if (sealedDays is not null || !message.EndsCommit || message.Sequence != _atSequence + 1
            || message.Events.Any(e => e.Kind == BarEventKind.Correction))
        {
            return false;
        }

        var closes = message.Events.Where(e => e.Kind == BarEventKind.Close).Select(e => e.Bar);
        if (CandleFold.Append(_closed, _throughMinuteMs, closes, schedule) is not ({ } bars, var through) || through >= liveOpenMs)
        {
            // A minute the cached candles cannot take, or a closed minute at or after the live one: not a state this
            // message describes.
            return false;
        }

        var retainedFromMs = Math.Max(_retainedFromMs, message.RetainedFromMs);
        if (retainedFromMs > _retainedFromMs && CandleFold.Cut(bars, retainedFromMs) is { } headEndMs)
        {
            // The first bar lost minutes: composed anew from the closed ones still held, up to the last one folded (it
            // may be the last bar too: the live minute is folded in when served, not here).
            var head = await symbol.GetMinuteCandles(retainedFromMs, Math.Min(headEndMs, Math.Min(liveOpenMs, through + 1)));
            CandleFold.ReplaceHead(bars, head.Bars, schedule);
        }

        (_closed, _throughMinuteMs, _retainedFromMs, _incomplete) = (bars, through, retainedFromMs, message.Incomplete);
        (_version, _atSequence) = (message.ClosedVersion, message.Sequence);
        return true;
    }

    /// <summary>
    /// Candles (no footprints) from the cached composition, with the live minute folded into the last bar. The
    /// closed bars were read up to the live minute's start, so that minute is counted once.
    /// </summary>
    public BarsPage Candles(BarsQuery query, LiveState live)
    {
        var cached = _closed;
        var (replaceLast, append) = FoldLive(live);
        var start = query.HasStart ? BarIndex.LowerBound(cached, query.FromMs) : query.ToMs == long.MaxValue ? Math.Max(0, cached.Count - query.Limit) : 0;
        var inRange = From(start).Where(b => b.Candle.OpenTimeMs >= query.FromMs && b.Candle.OpenTimeMs < query.ToMs);
        var page = query.HasStart ? inRange.Take(query.Limit) : inRange.TakeLast(query.Limit);
        return new BarsPage([.. page], WatermarkUs(live), _retainedFromMs, _incomplete);

        IEnumerable<Bar> From(int index)
        {
            for (var i = index; i < cached.Count; i++)
            {
                yield return i == cached.Count - 1 && replaceLast is not null ? replaceLast : cached[i];
            }

            if (append is not null)
            {
                yield return append;
            }
        }
    }

    /// <summary>The live minute either extends the last cached bar (<c>ReplaceLast</c>) or starts a new one (<c>Append</c>).</summary>
    public (Bar? ReplaceLast, Bar? Append) FoldLive(LiveState live)
    {
        if (live.Live is not { } minute)
        {
            return (null, null);
        }

        var last = _closed.Count > 0 && _closed[^1].Candle.Period.Contains(minute.Candle.OpenTimeMs) ? _closed[^1] : null;
        var current = BarComposer.Compose(last is null ? [minute] : [last, minute], schedule, footprintStepTicks: null)[0];
        return last is null ? (null, current) : (current, null);
    }

    /// <summary>A sealed day is closed even when the 1m history (and its watermark) is gone.</summary>
    public long WatermarkUs(LiveState live) =>
        _sealedHeld.Days.Count == 0 || sealedDays is null ? live.WatermarkUs : Math.Max(live.WatermarkUs, _sealedHeld.Days[^1].Candle.Period.EndMs * 1000);
}
