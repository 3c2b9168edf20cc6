using System.Collections;
using Candles.Core.Bars;

namespace Candles.Core.Building;

/// <summary>
/// A builder's closed bars, ascending by open time. Bars opening within <c>unpacked</c> of the newest one are held as
/// objects, where late ticks and live requests touch them; older ones keep their candle and hold their footprint as
/// <see cref="PackedBar.PackFootprint"/> bytes, unpacked on read. A week of minutes so costs 40 % of the memory, while
/// a composition of candles (a timeframe grain's at every closed minute) reads no level. Null keeps every bar as an object.
/// </summary>
internal sealed class ClosedBarList(TimeSpan? unpacked) : IReadOnlyList<Bar>
{
    private readonly long? _unpackedMs = (long?)unpacked?.TotalMilliseconds;
    private readonly List<Entry> _entries = [];

    // Every entry before this index is packed; entries from it on opened within the window when they were last looked at.
    private int _packedCount;

    public int Count => _entries.Count;

    public Bar this[int index]
    {
        get => _entries[index].Bar;
        set => _entries[index] = Hold(value, index < _packedCount);
    }

    /// <summary>The bar at <paramref name="index"/> as it is held, or, if packed, its candle with <see cref="Footprint.Empty"/>.</summary>
    public Bar WithoutPackedFootprint(int index) => _entries[index].Item as Bar ?? new Bar(_entries[index].Candle, Footprint.Empty);

    /// <summary>The open time of the bar at <paramref name="index"/>, without unpacking it.</summary>
    public long OpenTimeMs(int index) => _entries[index].Candle.Period.StartMs;

    /// <summary>The candle of the bar at <paramref name="index"/>, without unpacking its footprint.</summary>
    public Candle CandleAt(int index) => _entries[index].Candle;

    /// <summary>The revision of the bar at <paramref name="index"/>, without unpacking it.</summary>
    public int Revision(int index) => _entries[index].Candle.Revision;

    public void Add(Bar bar)
    {
        _entries.Add(Hold(bar, packed: false));
        PackOutOfWindow();
    }

    public void Insert(int index, Bar bar)
    {
        var packed = index < _packedCount;
        _entries.Insert(index, Hold(bar, packed));
        _packedCount += packed ? 1 : 0;
        PackOutOfWindow();
    }

    public void RemoveRange(int index, int count)
    {
        _entries.RemoveRange(index, count);
        _packedCount -= Math.Clamp(_packedCount - index, 0, count);
    }

    public IEnumerator<Bar> GetEnumerator()
    {
        for (var i = 0; i < _entries.Count; i++)
        {
            yield return _entries[i].Bar;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static Entry Hold(Bar bar, bool packed) => new(bar.Candle, packed ? Pack(bar) : bar);

    private static byte[] Pack(Bar bar) => PackedBar.PackFootprint(bar.Footprint, bar.Candle.Low);

    /// <summary>Packs the bars that the newest bar has left behind by more than the window, oldest first.</summary>
    private void PackOutOfWindow()
    {
        if (_unpackedMs is not { } window || _entries.Count == 0)
        {
            return;
        }

        var before = OpenTimeMs(_entries.Count - 1) - window;
        for (; _packedCount < _entries.Count && OpenTimeMs(_packedCount) < before; _packedCount++)
        {
            if (_entries[_packedCount].Item is Bar bar)
            {
                _entries[_packedCount] = _entries[_packedCount] with { Item = Pack(bar) };
            }
        }
    }

    /// <summary>A bar's candle, which searches, the sealer and compositions of candles read, and the bar or its packed footprint.</summary>
    /// <param name="Candle">The bar's candle.</param>
    /// <param name="Item">The <see cref="Bar"/>, or its footprint's <see cref="PackedBar.PackFootprint"/> bytes.</param>
    private readonly record struct Entry(Candle Candle, object Item)
    {
        public Bar Bar => Item as Bar ?? new Bar(Candle, PackedBar.UnpackFootprint((byte[])Item, Candle.Low));
    }
}
