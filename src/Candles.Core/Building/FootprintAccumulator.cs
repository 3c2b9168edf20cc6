using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Candles.Core.Bars;
using Candles.Core.Ticks;

namespace Candles.Core.Building;

/// <summary>
/// Collects volume by price level on a grid of <see cref="StepTicks"/>. Levels live in a dense window
/// indexed by grid position, so adding is an array index and the levels come out sorted without a sort;
/// a bar spanning more than <see cref="MaxDenseLevels"/> levels (a daily bar at the native tick, a wild
/// print) moves to a hash map and is sorted once at the end. Reused from bar to bar: once warm, adding a
/// trade allocates nothing.
/// </summary>
internal sealed class FootprintAccumulator
{
    private const int MaxDenseLevels = 4096;

    private const int InitialWindow = 64;
    private Slot[] _window = new Slot[InitialWindow];
    private long _windowStart;
    private int _low = int.MaxValue;
    private int _high = -1;
    private readonly Dictionary<long, Slot> _wide = [];
    private bool _isWide;

    public FootprintAccumulator(long stepTicks = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepTicks, 1);
        StepTicks = stepTicks;
    }

    public long StepTicks { get; }

    /// <summary>Slots in the dense window: what the accumulator holds between bars.</summary>
    internal int WindowLength => _window.Length;

    public bool IsEmpty => _high < 0 && _wide.Count == 0;

    /// <summary>Adds one trade (or a level's totals) at a price in ticks; the price is floored to the grid.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(long price, Volume buyVolume, Volume sellVolume, long trades)
    {
        var key = StepTicks == 1 ? price : price / StepTicks;
        var index = key - _windowStart;
        if ((ulong)index >= (ulong)_window.Length || _isWide)
        {
            AddOutsideWindow(key, buyVolume, sellVolume, trades);
            return;
        }

        ref var slot = ref _window[index];
        slot.Buy += buyVolume;
        slot.Sell += sellVolume;
        slot.Trades += trades;
        _low = Math.Min(_low, (int)index);
        _high = Math.Max(_high, (int)index);
    }

    /// <summary>Adds one trade on its side of the level.</summary>
    public void Add(in Tick tick)
    {
        if (tick.Side == AggressorSide.Buy)
        {
            Add(tick.Price, tick.Quantity, 0, 1);
        }
        else
        {
            Add(tick.Price, 0, tick.Quantity, 1);
        }
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
        if (_isWide)
        {
            var keys = new long[_wide.Count];
            var levels = new PriceLevel[_wide.Count];
            var at = 0;
            foreach (var (key, slot) in _wide)
            {
                keys[at] = key;
                levels[at++] = Level(key, slot);
            }

            Array.Sort(keys, levels);
            return Footprint.FromSortedLevels(levels, StepTicks);
        }

        var count = 0;
        for (var i = _low; i <= _high; i++)
        {
            count += _window[i].Trades != 0 ? 1 : 0;
        }

        var dense = new PriceLevel[count];
        var next = 0;
        for (var i = _low; i <= _high; i++)
        {
            if (_window[i].Trades != 0)
            {
                dense[next++] = Level(_windowStart + i, _window[i]);
            }
        }

        return Footprint.FromSortedLevels(dense, StepTicks);
    }

    public void Clear()
    {
        // A window one wide bar grew is given back once the bars are narrow again: an instrument keeps its
        // accumulators for as long as it lives.
        if (_window.Length > 1024 && (_high < 0 || _high - _low + 1 <= _window.Length / 16))
        {
            _window = new Slot[InitialWindow];
        }
        else if (_high >= 0)
        {
            Array.Clear(_window, _low, _high - _low + 1);
        }

        _low = int.MaxValue;
        _high = -1;
        _wide.Clear();
        _isWide = false;
    }

    private PriceLevel Level(long key, in Slot slot) => new(key * StepTicks, slot.Buy, slot.Sell, slot.Trades);

    private void AddOutsideWindow(long key, Volume buyVolume, Volume sellVolume, long trades)
    {
        if (!_isWide)
        {
            if (_high < 0)
            {
                // First level of a bar: centre the window on it.
                _windowStart = key - (_window.Length / 2);
                Add(key * StepTicks, buyVolume, sellVolume, trades);
                return;
            }

            var low = Math.Min(_windowStart + _low, key);
            var high = Math.Max(_windowStart + _high, key);
            if (high - low < MaxDenseLevels)
            {
                Regrow(low, high);
                Add(key * StepTicks, buyVolume, sellVolume, trades);
                return;
            }

            _isWide = true;
            for (var i = _low; i <= _high; i++)
            {
                if (_window[i].Trades != 0)
                {
                    _wide[_windowStart + i] = _window[i];
                }
            }

            Array.Clear(_window, _low, _high - _low + 1);
            _low = int.MaxValue;
            _high = -1;
        }

        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_wide, key, out _);
        slot.Buy += buyVolume;
        slot.Sell += sellVolume;
        slot.Trades += trades;
    }

    /// <summary>Moves the used levels into a window wide enough for [low, high] with room on both sides.</summary>
    private void Regrow(long low, long high)
    {
        var span = high - low + 1;
        var length = _window.Length;
        while (length < span * 2)
        {
            length *= 2;
        }

        var window = length == _window.Length ? _window : new Slot[length];
        var start = low - ((length - span) / 2);
        var used = _high - _low + 1;
        var from = _low;
        var to = (int)(_windowStart + _low - start);
        if (window == _window)
        {
            Array.Copy(_window, from, window, to, used);
            ClearOutside(window, to, used, from);
        }
        else
        {
            Array.Copy(_window, from, window, to, used);
        }

        _window = window;
        _low = to;
        _high = to + used - 1;
        _windowStart = start;
    }

    /// <summary>After shifting in place, zeroes the part of the old range the copy did not overwrite.</summary>
    private static void ClearOutside(Slot[] window, int to, int used, int from)
    {
        if (to > from)
        {
            Array.Clear(window, from, Math.Min(used, to - from));
        }
        else if (to < from)
        {
            var start = Math.Max(from, to + used);
            Array.Clear(window, start, from + used - start);
        }
    }

    [StructLayout(LayoutKind.Sequential, Pack = 8)]
    private struct Slot
    {
        public Volume Buy;
        public Volume Sell;
        public long Trades;
    }
}
