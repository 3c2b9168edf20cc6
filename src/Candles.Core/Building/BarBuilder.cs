using System.Runtime.CompilerServices;
using Candles.Core.Bars;
using Candles.Core.Ticks;
using Candles.Core.Timeframes;

namespace Candles.Core.Building;

/// <summary>
/// Builds the bars of one instrument on one schedule (normally 1m) from its ticks, with footprints.
/// <para>
/// The watermark W is the largest event time seen, or a later clock reading passed to <see cref="Scan"/>;
/// a bar closes when W reaches its end, so at most one bar is live. A tick whose trade id was applied is a
/// duplicate; a tick whose bar has closed amends that bar (revision + 1) if it lies inside the retention,
/// and is refused otherwise. Closes and amendments are queued for <see cref="DrainChanges"/>.
/// </para>
/// Trade ids are assumed to increase with time per instrument, as on every supported venue.
/// </summary>
public sealed class BarBuilder
{
    private readonly BarSchedule _schedule;
    private readonly BarBuilderOptions? _options;
    private readonly long? _retentionMs;
    private readonly IReadOnlyList<BarSchedule> _sealedDays;
    private readonly bool _footprints;

    // The closed bars' versions before their first change since the last commit (null: the bar was not there),
    // so the changes of a commit that failed can be undone without reading the store back.
    private readonly Dictionary<long, Bar?> _uncommitted = [];
    private TradeIdSet _applied = new();
    private readonly ClosedBarList _closed;
    private readonly List<BarChange> _changes = [];
    private readonly FootprintAccumulator _liveFootprint = new();

    // Made at the first late tick, then reused: amending a bar must not allocate a fresh level window each time,
    // and an instrument that never gets one does not carry it.
    private FootprintAccumulator? _amendFootprint;
    private CandleAccumulator _live;
    private BarPeriod _livePeriod;
    private long _liveStartUs;
    private long _liveEndUs;
    private bool _hasLive;
    private long _appliedCount;
    private long _amended;
    private long _duplicates;
    private long _tooOld;
    private long _trimmedThroughMs = long.MinValue;
    private long _batchNewestMs = long.MinValue;
    private long _keepFromMs = long.MinValue;
    private long _committedTrimmedThroughMs = long.MinValue;

    public BarBuilder(BarSchedule schedule, BarBuilderOptions? options = null)
    {
        _schedule = schedule;
        _options = options;
        _retentionMs = (long?)(options ?? BarBuilderOptions.Default).Retention?.TotalMilliseconds;
        _sealedDays = (options ?? BarBuilderOptions.Default).SealedDays;
        _footprints = (options ?? BarBuilderOptions.Default).Footprints;
        _closed = new ClosedBarList((options ?? BarBuilderOptions.Default).UnpackedSpan);
    }

    /// <summary>The watermark in Unix microseconds; <see cref="long.MinValue"/> before the first tick.</summary>
    public long WatermarkUs { get; private set; } = long.MinValue;

    /// <summary>Closed bars held (those of the retention, and any kept past it), ascending by open time.</summary>
    public IReadOnlyList<Bar> ClosedBars => _closed;

    /// <summary>The open time of the oldest retained bar (closed or live), or null before the first tick.</summary>
    public long? FirstOpenTimeMs => _closed.Count > 0 ? _closed.OpenTimeMs(0) : _hasLive ? _livePeriod.StartMs : null;

    /// <summary>The open time of the newest bar (the live one if any), or null before the first tick.</summary>
    public long? LastOpenTimeMs => _hasLive ? _livePeriod.StartMs : _closed.Count > 0 ? _closed.OpenTimeMs(_closed.Count - 1) : null;

    /// <summary>When the live bar ends (Unix ms), or null when there is none.</summary>
    public long? LiveEndMs => _hasLive ? _livePeriod.EndMs : null;

    /// <summary>A snapshot of the bar still forming, or null when none is.</summary>
    public Bar? LiveBar => _hasLive ? new Bar(_live.ToCandle(_livePeriod, 0), _liveFootprint.ToFootprint()) : null;

    public BuilderCounters Counters => new(_appliedCount, _amended, _duplicates, _tooOld);

    /// <summary>
    /// Applies a batch in order, refusing ticks at times <see cref="TickTime"/> does not accept. A late tick in a finished
    /// sealed day is judged against the retention as it stands after the batch: a day the batch's newer ticks cut into
    /// cannot be sealed again, so amending it would leave the sealed day without the trade.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public BatchOutcome Apply(ReadOnlySpan<Tick> ticks, long nowUs, TimeSpan maxFutureSkew)
    {
        var latestUs = TickTime.LatestUs(nowUs, maxFutureSkew);
        // The batch's newest accepted tick matters only to late ticks in sealed days, under a retention.
        var newestUs = long.MinValue;
        for (var i = 0; i < ticks.Length && _sealedDays.Count > 0 && _retentionMs is not null; i++)
        {
            if (ticks[i].TimeUs > newestUs && TickTime.Accepted(ticks[i].TimeUs, latestUs))
            {
                newestUs = ticks[i].TimeUs;
            }
        }

        _batchNewestMs = newestUs == long.MinValue ? long.MinValue : _schedule.PeriodOfUs(newestUs).StartMs;
        int applied = 0, amended = 0, duplicates = 0, tooOld = 0, outOfBounds = 0;
        string? refusal = null;
        try
        {
            foreach (ref readonly var tick in ticks)
            {
                if (!TickTime.Accepted(tick.TimeUs, latestUs))
                {
                    (outOfBounds, refusal) = (outOfBounds + 1, TickTime.Refusal(tick.TimeUs, nowUs, maxFutureSkew));
                    continue;
                }

                switch (Update(tick))
                {
                    case TickOutcome.Applied: applied++; break;
                    case TickOutcome.Amended: amended++; break;
                    case TickOutcome.Duplicate: duplicates++; break;
                    default: tooOld++; break;
                }
            }
        }
        finally
        {
            _batchNewestMs = long.MinValue;
        }

        return new BatchOutcome(applied, amended, duplicates, tooOld, outOfBounds, refusal);
    }

    /// <summary>Applies one tick and says what became of it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TickOutcome Update(in Tick tick)
    {
        if (_applied.Contains(tick.TradeId))
        {
            _duplicates++;
            return TickOutcome.Duplicate;
        }

        if (!_hasLive || tick.TimeUs < _liveStartUs || tick.TimeUs >= _liveEndUs)
        {
            var period = _schedule.PeriodOfUs(tick.TimeUs);
            if (WatermarkUs >= period.EndMs * 1000)
            {
                return Amend(tick, period);
            }

            // In a bar dropped before (a history begun again, StartAt, before its first tick): not taken as the newest.
            if (period.StartMs <= _trimmedThroughMs)
            {
                _tooOld++;
                return TickOutcome.TooOld;
            }

            // The tick's bar is still open, so it is newer than the live bar, which therefore has ended.
            if (_hasLive)
            {
                CloseLive();
            }

            StartLive(period);
        }

        _applied.Add(tick.TradeId);
        _live.Add(tick);
        if (_footprints)
        {
            _liveFootprint.Add(tick);
        }

        WatermarkUs = Math.Max(WatermarkUs, tick.TimeUs);
        _appliedCount++;
        return TickOutcome.Applied;
    }

    /// <summary>Advances the watermark to a clock reading (a live source's wall clock minus its grace), closing a quiet bar on time.</summary>
    public void Scan(long nowUs)
    {
        WatermarkUs = Math.Max(WatermarkUs, nowUs);
        if (_hasLive && WatermarkUs >= _liveEndUs)
        {
            CloseLive();
        }
    }

    /// <summary>Closes the live bar now, as at the end of a replayed tape; later ticks in it amend it.</summary>
    public void Flush()
    {
        if (_hasLive)
        {
            Scan(_liveEndUs);
        }
    }

    /// <summary>
    /// Raises the revision of the closed bars opening in [<paramref name="fromMs"/>, <paramref name="toMs"/>), as
    /// corrections: their trades are now known to be partial, and whoever holds them learns it like any correction.
    /// </summary>
    public int Revise(long fromMs, long toMs)
    {
        var first = IndexOf(fromMs);
        var count = 0;
        for (var i = first < 0 ? ~first : first; i < _closed.Count && _closed.OpenTimeMs(i) < toMs; i++, count++)
        {
            var old = _closed[i];
            var revised = old with { Candle = old.Candle with { Revision = old.Candle.Revision + 1 } };
            _uncommitted.TryAdd(old.Candle.OpenTimeMs, old);
            _closed[i] = revised;
            _changes.Add(new BarChange(revised, BarChangeKind.Corrected));
        }

        return count;
    }

    /// <summary>Everything so far is committed: a later <see cref="RolledBack"/> returns to this point.</summary>
    public void MarkCommitted()
    {
        // A replay batch records thousands of versions here; the table is not kept at that size for a quiet instrument.
        var large = _uncommitted.Count > 256;
        _uncommitted.Clear();
        _committedTrimmedThroughMs = _trimmedThroughMs;
        if (large)
        {
            _uncommitted.TrimExcess();
        }
    }

    /// <summary>
    /// A builder in the state of the last <see cref="MarkCommitted"/>: the closed bars as they were then, with
    /// <paramref name="committed"/>, the checkpoint committed with them (null if nothing was). How a commit that
    /// failed is taken back: the ticks since are forgotten, as if they never came. Bars kept (<see cref="KeepFrom"/>) stay
    /// kept, and it knows which bars were dropped, those its restart of the live bar drops included.
    /// </summary>
    public BarBuilder RolledBack(BuilderCheckpoint? committed)
    {
        var bars = _closed.ToDictionary(b => b.Candle.OpenTimeMs);
        foreach (var (openTimeMs, previous) in _uncommitted)
        {
            if (previous is null)
            {
                bars.Remove(openTimeMs);
            }
            else
            {
                bars[openTimeMs] = previous;
            }
        }

        // It knows what it had dropped by then: exact, where a restore's guess would count a day still held as cut.
        return Restore(
            _schedule, _options, [.. bars.Values.OrderBy(b => b.Candle.OpenTimeMs)], committed ?? new BuilderCheckpoint(long.MinValue, [], null),
            _keepFromMs, _keepFromMs, _committedTrimmedThroughMs);
    }

    /// <summary>The state beyond the closed bars: watermark, applied trade ids, the live bar and the newest bar dropped.</summary>
    public BuilderCheckpoint Checkpoint() => new(WatermarkUs, [.. _applied.Ranges], LiveBar, _trimmedThroughMs);

    /// <summary>
    /// A builder carrying on from <paramref name="closed"/> bars (ascending) and the <paramref name="checkpoint"/>
    /// taken with them. A live bar the closed bars already hold (written after the checkpoint) is dropped. Nothing is
    /// dropped as it starts: bars from before the retention (a corrected sealed day the last activation kept, or a trim
    /// not done yet) stay until the next bar, so their owner can keep them first (<see cref="KeepFrom"/>). What was
    /// dropped before is the checkpoint's; a checkpoint without it has everything before the retention taken as
    /// possibly dropped.
    /// </summary>
    public static BarBuilder Restore(BarSchedule schedule, BarBuilderOptions? options, IReadOnlyList<Bar> closed, BuilderCheckpoint checkpoint) =>
        Restore(schedule, options, closed, checkpoint, closed.Count > 0 ? closed[0].Candle.OpenTimeMs : long.MinValue, long.MinValue, checkpoint.TrimmedThroughMs);

    /// <summary>
    /// <see cref="Restore(BarSchedule, BarBuilderOptions?, IReadOnlyList{Bar}, BuilderCheckpoint)"/>, keeping the bars from
    /// <paramref name="startKeepFromMs"/> on past the retention as the live bar starts and from <paramref name="keepFromMs"/>
    /// after, and knowing the newest bar dropped before (<paramref name="trimmedThroughMs"/>; null: the retention's guess).
    /// </summary>
    private static BarBuilder Restore(
        BarSchedule schedule, BarBuilderOptions? options, IReadOnlyList<Bar> closed, BuilderCheckpoint checkpoint, long startKeepFromMs, long keepFromMs,
        long? trimmedThroughMs)
    {
        var builder = new BarBuilder(schedule, options)
        {
            WatermarkUs = checkpoint.WatermarkUs,
            _applied = TradeIdSet.From(checkpoint.AppliedIds),
            _keepFromMs = startKeepFromMs,
            _trimmedThroughMs = trimmedThroughMs ?? long.MinValue,
        };
        foreach (var bar in closed)
        {
            builder._closed.Add(bar);
        }

        if (checkpoint.Live is { } live && (closed.Count == 0 || live.Candle.OpenTimeMs > closed[^1].Candle.OpenTimeMs))
        {
            builder.StartLive(live.Candle.Period);
            builder._live = CandleAccumulator.From(live.Candle);
            builder._liveFootprint.Add(live.Footprint);
        }

        // A rolled-back builder's start of the live bar may have dropped bars (counted by ForgetExpired); a known past is
        // kept as committed.
        builder._keepFromMs = keepFromMs;
        builder._committedTrimmedThroughMs = trimmedThroughMs
            ?? (builder._trimmedThroughMs = builder.RetentionStartMs() is var start and > long.MinValue ? start - 1 : long.MinValue);
        return builder;
    }

    /// <summary>
    /// Closed bars, and the live bar when <paramref name="live"/>, with <c>fromMs &lt;= open time &lt; toMs</c>,
    /// ascending. Without <paramref name="footprints"/>, a bar whose footprint is packed comes with
    /// <see cref="Footprint.Empty"/> (its levels are not unpacked), the others as they are.
    /// </summary>
    public List<Bar> BarsBetween(long fromMs, long toMs, bool footprints = true, bool live = true)
    {
        var first = IndexOf(fromMs);
        first = first < 0 ? ~first : first;
        var end = toMs == long.MaxValue ? _closed.Count : IndexOf(toMs);
        end = end < 0 ? ~end : end;
        var bars = new List<Bar>(Math.Max(0, end - first) + 1);
        for (var i = first; i < end; i++)
        {
            bars.Add(footprints ? _closed[i] : _closed.WithoutPackedFootprint(i));
        }

        if (live && _hasLive && _livePeriod.StartMs >= fromMs && _livePeriod.StartMs < toMs)
        {
            bars.Add(LiveBar!);
        }

        return bars;
    }

    /// <summary>
    /// When trade <paramref name="tradeId"/> happened, as the bars held tell it: exactly if it is the first or last trade
    /// of its bar, else the start of its bar's period (the end, less a microsecond, when <paramref name="latest"/>);
    /// long.MinValue when no bar held has it. A venue's trade ids rise with time, so the bar holding an id is the one
    /// whose first and last trade ids enclose it, and no bar before one whose last id is below it holds it.
    /// </summary>
    public long TradeTimeUs(long tradeId, bool latest)
    {
        if (_hasLive && Holding(_live.ToCandle(_livePeriod, 0), tradeId, latest) is { } liveTimeUs)
        {
            return liveTimeUs;
        }

        for (var i = _closed.Count - 1; i >= 0; i--)
        {
            var candle = _closed.CandleAt(i);
            if (candle.LastTradeId < tradeId)
            {
                break;
            }

            if (Holding(candle, tradeId, latest) is { } timeUs)
            {
                return timeUs;
            }
        }

        return long.MinValue;

        static long? Holding(Candle candle, long tradeId, bool latest) =>
            tradeId == candle.FirstTradeId ? candle.FirstTradeTimeUs
            : tradeId == candle.LastTradeId ? candle.LastTradeTimeUs
            : tradeId > candle.FirstTradeId && tradeId < candle.LastTradeId ? (latest ? (candle.Period.EndMs * 1000) - 1 : candle.Period.StartMs * 1000)
            : null;
    }

    /// <summary>The open times and revisions of the closed bars opening before <paramref name="toMs"/> that were amended or revised.</summary>
    public (List<long> OpenTimesMs, List<int> Revisions) RevisedBefore(long toMs)
    {
        (List<long> openTimes, List<int> revisions) = ([], []);
        for (var i = 0; i < _closed.Count && _closed.OpenTimeMs(i) < toMs; i++)
        {
            if (_closed.Revision(i) > 0)
            {
                openTimes.Add(_closed.OpenTimeMs(i));
                revisions.Add(_closed.Revision(i));
            }
        }

        return (openTimes, revisions);
    }

    /// <summary>Moves the closes and corrections since the last call into <paramref name="into"/>, oldest first.</summary>
    public void DrainChanges(List<BarChange> into)
    {
        into.AddRange(_changes);
        _changes.Clear();
        if (_changes.Capacity > 256)
        {
            _changes.TrimExcess();
        }
    }

    private void StartLive(BarPeriod period)
    {
        _hasLive = true;
        _livePeriod = period;
        _liveStartUs = period.StartMs * 1000;
        _liveEndUs = period.EndMs * 1000;
        _live = default;
        _liveFootprint.Clear();
        ForgetExpired();
    }

    private void CloseLive()
    {
        var bar = new Bar(_live.ToCandle(_livePeriod, 0), _liveFootprint.ToFootprint());
        _hasLive = false;
        _uncommitted.TryAdd(bar.Candle.OpenTimeMs, null);
        _closed.Add(bar);
        _changes.Add(new BarChange(bar, BarChangeKind.Closed));
    }

    private TickOutcome Amend(in Tick tick, BarPeriod period)
    {
        if (!Amendable(period.StartMs))
        {
            _tooOld++;
            return TickOutcome.TooOld;
        }

        var index = IndexOf(period.StartMs);
        var candle = default(CandleAccumulator);
        var footprint = _amendFootprint ??= new FootprintAccumulator();
        footprint.Clear();
        var revision = 1;
        var old = index >= 0 ? _closed[index] : null;
        if (old is not null)
        {
            candle.Add(old.Candle);
            footprint.Add(old.Footprint);
            revision = old.Candle.Revision + 1;
        }

        candle.Add(tick);
        if (_footprints)
        {
            footprint.Add(tick);
        }

        var amended = new Bar(candle.ToCandle(period, revision), footprint.ToFootprint());
        _uncommitted.TryAdd(period.StartMs, old);
        if (index >= 0)
        {
            _closed[index] = amended;
        }
        else
        {
            _closed.Insert(~index, amended);
        }

        _applied.Add(tick.TradeId);
        _amended++;
        _changes.Add(new BarChange(amended, BarChangeKind.Corrected));
        return TickOutcome.Amended;
    }

    /// <summary>Within the retention, and in no finished sealed day (<see cref="BarBuilderOptions.SealedDays"/>) it cuts into, now or after the batch (<see cref="Apply"/>).</summary>
    private bool Amendable(long minuteStartMs)
    {
        var retainedFrom = RetentionStartMs();
        if (minuteStartMs < retainedFrom)
        {
            return false;
        }

        var cutFrom = Math.Max(retainedFrom, RetentionStartMs(_batchNewestMs));
        foreach (var days in _sealedDays)
        {
            var day = days.PeriodOf(minuteStartMs);
            if (day.StartMs < cutFrom && Finished(day))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// If the minute lies in a day of <see cref="BarBuilderOptions.SealedDays"/> that the watermark has finished (one that
    /// may have been sealed, so amending the minute must reach the sealed day too): the earliest start of its days over
    /// the sealed zones. Otherwise null.
    /// </summary>
    public long? FinishedSealedDayStartMs(long minuteStartMs)
    {
        var finished = false;
        var earliest = long.MaxValue;
        foreach (var days in _sealedDays)
        {
            var day = days.PeriodOf(minuteStartMs);
            finished |= Finished(day);
            earliest = Math.Min(earliest, day.StartMs);
        }

        return finished ? earliest : null;
    }

    private bool Finished(BarPeriod period) => WatermarkUs >= period.EndMs * 1000;

    /// <summary>
    /// The history starts at <paramref name="startMs"/> (what was before it is lost, or held elsewhere): bars opening
    /// before it count as dropped, so no day holding them is taken as whole, and a late tick in one is refused.
    /// </summary>
    public void StartAt(long startMs)
    {
        _trimmedThroughMs = Math.Max(_trimmedThroughMs, _schedule.PeriodOf(startMs - 1).StartMs);
        ForgetExpired();
    }

    /// <summary>
    /// Keeps the bars opening at or after <paramref name="openMs"/> past the retention until told otherwise (long.MinValue:
    /// none). What a late tick may amend stays as the retention says.
    /// </summary>
    public void KeepFrom(long openMs) => _keepFromMs = openMs;

    /// <summary>Drops closed bars that fell out of the retention (and are not kept), and the trade ids they held.</summary>
    private void ForgetExpired()
    {
        var cutoff = _keepFromMs == long.MinValue ? RetentionStartMs() : Math.Min(RetentionStartMs(), _keepFromMs);
        var count = 0;
        while (count < _closed.Count && _closed.OpenTimeMs(count) < cutoff)
        {
            count++;
        }

        if (count > 0)
        {
            for (var i = 0; i < count; i++)
            {
                if (!_uncommitted.ContainsKey(_closed.OpenTimeMs(i)))
                {
                    _uncommitted.Add(_closed.OpenTimeMs(i), _closed[i]);
                }
            }

            _trimmedThroughMs = Math.Max(_trimmedThroughMs, _closed.OpenTimeMs(count - 1));
            _closed.RemoveRange(0, count);
            if (_closed.Count > 0)
            {
                _applied.ForgetBelow(_closed[0].Candle.FirstTradeId);
            }
        }
    }

    /// <summary>
    /// Bars opening at or after this time are all retained (none was trimmed); earlier ones may be gone. A day
    /// starting here or later is whole in the 1m history, one starting earlier may be cut short.
    /// </summary>
    public long RetainedFromMs => RetentionStartMs();

    /// <summary>
    /// The open time of the newest bar the retention has dropped (long.MinValue: none). A builder restored from a store
    /// knows it from its checkpoint; from a checkpoint without it, it takes everything before the retention as possibly dropped.
    /// </summary>
    public long TrimmedThroughMs => _trimmedThroughMs;

    /// <summary>
    /// The oldest bar start still retained, counted back from the newest bar, and never before the bar after the newest one
    /// dropped (the start of a history begun again, <see cref="StartAt"/>; earlier, the retention's own cut).
    /// </summary>
    private long RetentionStartMs() => Math.Max(
        RetentionStartMs(_hasLive ? _livePeriod.StartMs : _closed.Count > 0 ? _closed.OpenTimeMs(_closed.Count - 1) : long.MinValue),
        _trimmedThroughMs == long.MinValue ? long.MinValue : _schedule.PeriodOf(_trimmedThroughMs).EndMs);

    /// <summary>The oldest bar start retained once the newest bar opens at <paramref name="newestMs"/>.</summary>
    private long RetentionStartMs(long newestMs) =>
        _retentionMs is not { } retention || newestMs == long.MinValue ? long.MinValue : newestMs - retention;

    /// <summary>Binary search of the closed bars by open time: the index, or the complement of the insertion point.</summary>
    private int IndexOf(long startMs)
    {
        int low = 0, high = _closed.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var at = _closed.OpenTimeMs(mid);
            if (at == startMs)
            {
                return mid;
            }

            if (at < startMs)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return ~low;
    }
}
