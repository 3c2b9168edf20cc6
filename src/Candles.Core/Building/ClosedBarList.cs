using System.Collections;
using Candles.Core.Bars;

namespace Candles.Core.Building;

/// <summary>
/// A builder's closed bars, ascending by open time. Bars opening within <c>unpacked</c> of the newest one are held as
/// objects, where late ticks and live requests touch them; older ones are held as <see cref="PackedBar"/> bytes and
/// unpacked on read, so a week of minutes costs a quarter of the memory, and an instrument that trades once an hour
/// holds one bar as an object. Null keeps every bar as an object.
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
    public Bar WithoutPackedFootprint(int index) =>
        _entries[index].Item as Bar ?? PackedBar.Unpack((byte[])_entries[index].Item, footprint: false);

    /// <summary>The open time of the bar at <paramref name="index"/>, without unpacking it.</summary>
    public long OpenTimeMs(int index) => _entries[index].OpenTimeMs;

    /// <summary>The revision of the bar at <paramref name="index"/>, without unpacking it.</summary>
    public int Revision(int index) => _entries[index].Revision;

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

    private static Entry Hold(Bar bar, bool packed) =>
        new(bar.Candle.OpenTimeMs, bar.Candle.Revision, packed ? PackedBar.Pack(bar) : bar);

    /// <summary>Packs the bars that the newest bar has left behind by more than the window, oldest first.</summary>
    private void PackOutOfWindow()
    {
        if (_unpackedMs is not { } window || _entries.Count == 0)
        {
            return;
        }

        var before = _entries[^1].OpenTimeMs - window;
        for (; _packedCount < _entries.Count && _entries[_packedCount].OpenTimeMs < before; _packedCount++)
        {
            if (_entries[_packedCount].Item is Bar bar)
            {
                _entries[_packedCount] = _entries[_packedCount] with { Item = PackedBar.Pack(bar) };
            }
        }
    }

    /// <summary>A bar's open time and revision, which searches and the sealer read, and the bar or its packed bytes.</summary>
    /// <param name="OpenTimeMs">The bar's open time, Unix ms.</param>
    /// <param name="Revision">The bar's revision.</param>
    /// <param name="Item">The <see cref="Bar"/>, or its <see cref="PackedBar"/> bytes.</param>
    private readonly record struct Entry(long OpenTimeMs, int Revision, object Item)
    {
        public Bar Bar => Item as Bar ?? PackedBar.Unpack((byte[])Item);
    }
}
