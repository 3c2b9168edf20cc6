using Candles.Abstractions.Wire;

namespace Candles.Ingest.Feeds;

/// <summary>
/// Which trade ids of one instrument a feed has taken: the last one, the ids missing below it (venues whose ids are
/// consecutive, so a skipped id is a missed trade), and where a catch-up starts after the connection drops. Safe to
/// call from the connection's reader and the feed's gap loop at once.
/// </summary>
internal sealed class TradeIdLedger(bool consecutiveIds)
{
    private readonly Lock _lock = new();
    private readonly List<MissingTrades> _missing = [];
    private long? _lastId;
    private long _lastTimeUs = long.MinValue;
    private (long AfterId, long AfterTimeUs)? _resumeFrom;
    private (long AfterId, long AfterTimeUs)? _heldAtDrop;

    /// <summary>The id of the last trade taken, null before any.</summary>
    public long? LastId
    {
        get
        {
            lock (_lock)
            {
                return _lastId;
            }
        }
    }

    /// <summary>The id and time of the last trade taken, read together; null before any.</summary>
    public (long Id, long TimeUs)? Last
    {
        get
        {
            lock (_lock)
            {
                return _lastId is { } id ? (id, _lastTimeUs) : null;
            }
        }
    }

    /// <summary>The time of the last trade taken, <see cref="long.MinValue"/> before any.</summary>
    public long LastTimeUs
    {
        get
        {
            lock (_lock)
            {
                return _lastTimeUs;
            }
        }
    }

    /// <summary>
    /// Starts from where the instrument is: after its last trade (caught up from there), with the holes between the id
    /// ranges it holds missing (an earlier connector died before filling them). True when there is something to fetch.
    /// </summary>
    public bool Start(FeedPosition position)
    {
        lock (_lock)
        {
            if (position.LastTradeId is not { } last)
            {
                return false;
            }

            (_lastId, _lastTimeUs, _resumeFrom) = (last, position.LastTradeTimeUs, (last, position.LastTradeTimeUs));
            if (consecutiveIds)
            {
                for (var i = 1; i < position.RangeLows.Count; i++)
                {
                    // Marked between its neighbours if it cannot be fetched; with either time unknown, not at one of them alone.
                    var (afterUs, beforeUs) = (position.HighTimeUs(i - 1), position.LowTimeUs(i));
                    var known = afterUs != long.MinValue && beforeUs != long.MinValue;
                    _missing.Add(new MissingTrades(position.RangeHighs[i - 1] + 1, position.RangeLows[i] - 1, known ? afterUs : long.MinValue, known ? beforeUs : long.MinValue));
                }
            }

            return true;
        }
    }

    /// <summary>
    /// A trade from a live connection or a catch-up: true when it is new (the next id, a later one, or one that was
    /// missing); <paramref name="gap"/> when ids were skipped before it. Without consecutive ids, only a later id is new.
    /// </summary>
    public bool Accept(in VenueTrade trade, out bool gap)
    {
        gap = false;
        var id = trade.TradeId;
        lock (_lock)
        {
            if (_lastId is not { } last)
            {
                (_lastId, _lastTimeUs) = (id, trade.TimeUs);
                return true;
            }

            if (!consecutiveIds)
            {
                if (id <= last)
                {
                    return false;
                }

                (_lastId, _lastTimeUs) = (id, trade.TimeUs);
                return true;
            }

            if (id == last + 1)
            {
                (_lastId, _lastTimeUs) = (id, trade.TimeUs);
                return true;
            }

            if (id > last + 1)
            {
                _missing.Add(new MissingTrades(last + 1, id - 1, _lastTimeUs, trade.TimeUs));
                (_lastId, _lastTimeUs, gap) = (id, trade.TimeUs, true);
                return true;
            }

            return FillLocked(trade);
        }
    }

    /// <summary>
    /// The venue says its newest trade is <paramref name="id"/>, at or before <paramref name="timeUs"/>: with consecutive ids,
    /// those after the last taken are missing, and the trade that comes with the next id is taken as a fill. True when
    /// that made a gap. Nothing before the first trade taken (its position is not known).
    /// </summary>
    public bool Announced(long id, long timeUs)
    {
        lock (_lock)
        {
            if (!consecutiveIds || _lastId is not { } last || id <= last)
            {
                return false;
            }

            // The last trade's time stays: a later gap is marked from it, which covers the announced trades too. Announced
            // ids following a range still missing extend it: heartbeats every second while the matches stay away make
            // one range, fetched in one request, not one a second.
            if (_missing.Count > 0 && _missing[^1].ToId == last)
            {
                _missing[^1] = _missing[^1] with { ToId = id, BeforeTimeUs = timeUs };
            }
            else
            {
                _missing.Add(new MissingTrades(last + 1, id, _lastTimeUs, timeUs));
            }

            _lastId = id;
            return true;
        }
    }

    /// <summary>Takes a fetched trade if its id was missing, splitting its range; false when it was not missing.</summary>
    public bool Fill(in VenueTrade trade)
    {
        lock (_lock)
        {
            return FillLocked(trade);
        }
    }

    private bool FillLocked(in VenueTrade trade)
    {
        var id = trade.TradeId;
        var index = _missing.FindIndex(m => m.Contains(id));
        if (index < 0)
        {
            return false;
        }

        var range = _missing[index];
        _missing.RemoveAt(index);
        if (id < range.ToId)
        {
            _missing.Insert(index, range with { FromId = id + 1, AfterTimeUs = trade.TimeUs });
        }

        if (id > range.FromId)
        {
            _missing.Insert(index, range with { ToId = id - 1, BeforeTimeUs = trade.TimeUs });
        }

        return true;
    }

    /// <summary>The ranges missing now.</summary>
    public List<MissingTrades> Missing()
    {
        lock (_lock)
        {
            return [.. _missing];
        }
    }

    /// <summary>The ranges still missing of those <paramref name="gap"/> covered.</summary>
    public List<MissingTrades> MissingWithin(MissingTrades gap)
    {
        lock (_lock)
        {
            return _missing.FindAll(m => m.FromId >= gap.FromId && m.ToId <= gap.ToId);
        }
    }

    /// <summary>No longer missing: filled elsewhere, or given up.</summary>
    public void Forget(Predicate<MissingTrades> which)
    {
        lock (_lock)
        {
            _missing.RemoveAll(which);
        }
    }

    /// <summary>
    /// The connection dropped, or may drop before its replacement is up: the last trade taken now is where the catch-up
    /// starts once a new connection is up. Taken before the new one opens, as its live trades move the last trade on
    /// before the catch-up runs, and a venue without consecutive ids would never show the trades between as a gap.
    /// </summary>
    public void HoldPosition()
    {
        lock (_lock)
        {
            _heldAtDrop = _lastId is { } last ? (last, _lastTimeUs) : null;
        }
    }

    /// <summary>The old connection lasted until its replacement was up: nothing to catch up.</summary>
    public void ReplacedWithoutGap()
    {
        lock (_lock)
        {
            _heldAtDrop = null;
        }
    }

    /// <summary>A new connection is up: the catch-up is due from the position held at the drop (the earlier, if one is pending).</summary>
    public void Reconnected()
    {
        lock (_lock)
        {
            if (_heldAtDrop is { } held)
            {
                _resumeFrom = _resumeFrom is { } pending && pending.AfterId < held.AfterId ? pending : held;
                _heldAtDrop = null;
            }
        }
    }

    /// <summary>A catch-up taken but not done (the venue gave no answer, or its retry is not due): due again, the earlier if one is pending.</summary>
    public void ResumeAgain((long AfterId, long AfterTimeUs) from)
    {
        lock (_lock)
        {
            _resumeFrom = _resumeFrom is { } pending && pending.AfterId < from.AfterId ? pending : from;
        }
    }

    /// <summary>The catch-up due, if any, taken: the trades after it are to be fetched now.</summary>
    public (long AfterId, long AfterTimeUs)? TakeResume()
    {
        lock (_lock)
        {
            var resume = _resumeFrom;
            _resumeFrom = null;
            return resume;
        }
    }
}
