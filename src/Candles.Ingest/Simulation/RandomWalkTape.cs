using Candles.Core.Ticks;

namespace Candles.Ingest.Simulation;

/// <summary>
/// Made-up trades for the embedded demo: a random walk in ticks with bursts, increasing trade ids and
/// sizes spread over two orders of magnitude. Deterministic for a given seed.
/// </summary>
/// <param name="startPrice">The first price, in ticks.</param>
/// <param name="meanQuantity">The typical trade size, in quantity steps.</param>
/// <param name="seed">The random generator's seed.</param>
/// <param name="firstId">The first trade id; a feed restarted later must start above every id it gave before.</param>
public sealed class RandomWalkTape(long startPrice, long meanQuantity, int seed, long firstId = 1)
{
    /// <summary>The most trades one call of <see cref="Next"/> makes.</summary>
    public const int MaxTradesPerMoment = 5;

    private readonly Random _random = new(seed);
    private long _price = startPrice;
    private long _nextId = firstId;

    /// <summary>The trades of one moment: zero to a handful, all at <paramref name="timeUs"/> or just before.</summary>
    public IEnumerable<Tick> Next(long timeUs)
    {
        var count = _random.Next(0, MaxTradesPerMoment + 1);
        for (var i = 0; i < count; i++)
        {
            _price = Math.Max(1, _price + _random.Next(-3, 4));
            var quantity = Math.Max(1, (long)(meanQuantity * Math.Pow(10, (_random.NextDouble() * 2) - 1)));
            yield return new Tick(_nextId++, timeUs - (count - i), _price, quantity, _random.Next(2) == 0 ? AggressorSide.Buy : AggressorSide.Sell);
        }
    }
}
