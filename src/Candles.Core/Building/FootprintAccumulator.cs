using System.Runtime.InteropServices;
using Candles.Core.Bars;

namespace Candles.Core.Building;

/// <summary>
/// Collects volume by price level on a grid of <see cref="StepTicks"/>. Reused from bar to bar: after the
/// first few bars it has room for a bar's levels and adding a trade allocates nothing.
/// </summary>
internal sealed class FootprintAccumulator
{
    private readonly Dictionary<long, int> _slotByPrice = [];
    private PriceLevel[] _slots = new PriceLevel[64];
    private int _count;
    private long _lastPrice = long.MinValue;
    private int _lastSlot;

    public FootprintAccumulator(long stepTicks = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepTicks, 1);
        StepTicks = stepTicks;
    }

    public long StepTicks { get; }

    public bool IsEmpty => _count == 0;

    /// <summary>Adds volume at a price in ticks; the price is floored to the grid.</summary>
    public void Add(long price, Int128 buyVolume, Int128 sellVolume, long trades)
    {
        ref var slot = ref SlotFor(StepTicks == 1 ? price : Footprint.FloorToStep(price, StepTicks));
        slot = new PriceLevel(slot.Price, slot.BuyVolume + buyVolume, slot.SellVolume + sellVolume, slot.Trades + trades);
    }

    public void Add(Footprint footprint)
    {
        foreach (var level in footprint.Levels)
        {
            Add(level.Price, level.BuyVolume, level.SellVolume, level.Trades);
        }
    }

    /// <summary>An immutable footprint of what was added, ascending by price.</summary>
    public Footprint ToFootprint()
    {
        var levels = _slots.AsSpan(0, _count).ToArray();
        Array.Sort(levels, static (a, b) => a.Price.CompareTo(b.Price));
        return Footprint.FromSortedLevels(levels, StepTicks);
    }

    public void Clear()
    {
        _slotByPrice.Clear();
        _count = 0;
        _lastPrice = long.MinValue;
    }

    private ref PriceLevel SlotFor(long price)
    {
        // Consecutive trades often print at one price: skip the hash lookup for them.
        if (price == _lastPrice)
        {
            return ref _slots[_lastSlot];
        }

        ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(_slotByPrice, price, out var exists);
        if (!exists)
        {
            if (_count == _slots.Length)
            {
                Array.Resize(ref _slots, _slots.Length * 2);
            }

            index = _count++;
            _slots[index] = new PriceLevel(price, 0, 0, 0);
        }

        _lastPrice = price;
        _lastSlot = index;
        return ref _slots[index];
    }
}
