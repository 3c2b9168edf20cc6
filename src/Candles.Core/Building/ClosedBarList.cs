using System.Collections;
using Candles.Core.Bars;

namespace Candles.Core.Building;

/// <summary>
/// A builder's closed bars, ascending by open time. The newest <c>unpacked</c> bars are held as objects, where
/// late ticks and live requests touch them; older ones are held as <see cref="PackedBar"/> bytes and unpacked on
/// read, so a week of minutes costs a sixth of the memory. Null keeps every bar as an object.
/// </summary>
internal sealed class ClosedBarList(int? unpacked) : IReadOnlyList<Bar>
{
    private readonly List<Entry> _entries = [];

    public int Count => _entries.Count;

    public Bar this[int index]
    {
        get => _entries[index].Bar;
        set
        {
            _entries[index] = Hold(value, index);
            PackOldest();
        }
    }

    /// <summary>The open time of the bar at <paramref name="index"/>, without unpacking it.</summary>
    public long OpenTimeMs(int index) => _entries[index].OpenTimeMs;

    /// <summary>The revision of the bar at <paramref name="index"/>, without unpacking it.</summary>
    public int Revision(int index) => _entries[index].Revision;

    public void Add(Bar bar)
    {
        _entries.Add(Hold(bar, _entries.Count));
        PackOldest();
    }

    public void Insert(int index, Bar bar)
    {
        _entries.Insert(index, Hold(bar, index));
        PackOldest();
    }

    public void RemoveRange(int index, int count) => _entries.RemoveRange(index, count);

    public IEnumerator<Bar> GetEnumerator()
    {
        for (var i = 0; i < _entries.Count; i++)
        {
            yield return _entries[i].Bar;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private bool Packs(int index) => unpacked is { } window && index < _entries.Count - window;

    private Entry Hold(Bar bar, int index) =>
        new(bar.Candle.OpenTimeMs, bar.Candle.Revision, Packs(index) ? PackedBar.Pack(bar) : bar);

    /// <summary>
    /// The bar that has just left the unpacked window, packed. One bar leaves it per bar added or inserted, so
    /// every bar outside it is packed.
    /// </summary>
    private void PackOldest()
    {
        if (unpacked is { } window && _entries.Count > window)
        {
            var index = _entries.Count - window - 1;
            if (_entries[index].Item is Bar bar)
            {
                _entries[index] = _entries[index] with { Item = PackedBar.Pack(bar) };
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
