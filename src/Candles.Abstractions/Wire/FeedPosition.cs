namespace Candles.Abstractions.Wire;

/// <summary>
/// The newest trade ids an instrument holds, as ascending ranges <c>[RangeLows[i], RangeHighs[i]]</c> (at most
/// the last few), and the time of its newest trade: where a feed connector resumes, and which ids between the
/// ranges it still has to fetch. Empty when the instrument holds no trade.
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.FeedPosition")]
public sealed record FeedPosition(
    [property: Id(0)] IReadOnlyList<long> RangeLows,
    [property: Id(1)] IReadOnlyList<long> RangeHighs,
    [property: Id(2)] long LastTradeTimeUs)
{
    public static FeedPosition None { get; } = new([], [], long.MinValue);

    public long? LastTradeId => RangeHighs.Count > 0 ? RangeHighs[^1] : null;

    /// <summary>True when every id in [<paramref name="fromId"/>, <paramref name="toId"/>] is held: the ranges are disjoint, so one must hold them all.</summary>
    public bool Holds(long fromId, long toId)
    {
        for (var i = 0; i < RangeLows.Count; i++)
        {
            if (RangeLows[i] <= fromId && toId <= RangeHighs[i])
            {
                return true;
            }
        }

        return false;
    }
}
