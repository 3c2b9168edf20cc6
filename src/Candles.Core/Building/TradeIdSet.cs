namespace Candles.Core.Building;

/// <summary>
/// The trade ids already applied, as sorted disjoint ranges. Venues number trades in increasing order, so
/// in the normal case the set is one range that grows at its top and a lookup is a single comparison;
/// late trades and gaps add ranges, which merge again once the gap fills.
/// </summary>
internal sealed class TradeIdSet
{
    /// <summary>
    /// The most ranges kept. A venue numbering trades across all its symbols (Bybit) leaves one instrument's ids sparse:
    /// a range per trade, each one in every checkpoint committed. Past this many, all but the newest half are merged into
    /// one range, so the holes between them count as applied: other instruments' ids, or ids older than the newest
    /// thousand holes, which a venue numbering its trades in time order does not send again.
    /// </summary>
    public const int MaxRanges = 1024;

    private readonly List<(long Low, long High)> _ranges = [];

    public int RangeCount => _ranges.Count;

    /// <summary>The ranges, ascending: the set's whole content, for a checkpoint.</summary>
    public IReadOnlyList<(long Low, long High)> Ranges => _ranges;

    /// <summary>A set holding exactly <paramref name="ranges"/> (ascending, disjoint).</summary>
    public static TradeIdSet From(IEnumerable<(long Low, long High)> ranges)
    {
        var set = new TradeIdSet();
        foreach (var range in ranges)
        {
            if (range.Low > range.High || (set._ranges.Count > 0 && range.Low <= set._ranges[^1].High))
            {
                throw new ArgumentException("trade id ranges must be ascending and disjoint", nameof(ranges));
            }

            set._ranges.Add(range);
        }

        set.Compact();
        return set;
    }

    public bool Contains(long id)
    {
        if (_ranges.Count == 0 || id > _ranges[^1].High)
        {
            return false;
        }

        var index = IndexAtOrBelow(id);
        return index >= 0 && id <= _ranges[index].High;
    }

    /// <summary>Adds an id that is not in the set yet.</summary>
    public void Add(long id)
    {
        if (_ranges.Count == 0)
        {
            _ranges.Add((id, id));
            return;
        }

        var top = _ranges[^1];
        if (id == top.High + 1)
        {
            _ranges[^1] = (top.Low, id);
            return;
        }

        if (id > top.High)
        {
            _ranges.Add((id, id));
            Compact();
            return;
        }

        var below = IndexAtOrBelow(id);
        var joinsBelow = below >= 0 && _ranges[below].High == id - 1;
        var joinsAbove = below + 1 < _ranges.Count && _ranges[below + 1].Low == id + 1;
        if (joinsBelow && joinsAbove)
        {
            _ranges[below] = (_ranges[below].Low, _ranges[below + 1].High);
            _ranges.RemoveAt(below + 1);
        }
        else if (joinsBelow)
        {
            _ranges[below] = (_ranges[below].Low, id);
        }
        else if (joinsAbove)
        {
            _ranges[below + 1] = (id, _ranges[below + 1].High);
        }
        else
        {
            _ranges.Insert(below + 1, (id, id));
            Compact();
        }
    }

    /// <summary>Past <see cref="MaxRanges"/>, merges every range but the newest half into one.</summary>
    private void Compact()
    {
        if (_ranges.Count <= MaxRanges)
        {
            return;
        }

        var merged = _ranges.Count - (MaxRanges / 2);
        _ranges[0] = (_ranges[0].Low, _ranges[merged - 1].High);
        _ranges.RemoveRange(1, merged - 1);
    }

    /// <summary>Forgets ranges that end below <paramref name="id"/>: trades that old are refused by age anyway.</summary>
    public void ForgetBelow(long id)
    {
        var count = 0;
        while (count < _ranges.Count - 1 && _ranges[count].High < id)
        {
            count++;
        }

        _ranges.RemoveRange(0, count);
    }

    /// <summary>The index of the last range starting at or below <paramref name="id"/>, or -1.</summary>
    private int IndexAtOrBelow(long id)
    {
        int low = 0, high = _ranges.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            if (_ranges[mid].Low <= id)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return high;
    }
}
