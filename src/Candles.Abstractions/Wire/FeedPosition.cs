namespace Candles.Abstractions.Wire;

/// <summary>
/// The newest trade ids an instrument holds, as ascending ranges <c>[RangeLows[i], RangeHighs[i]]</c> (at most
/// the last few), and the time of its newest trade: where a feed connector resumes, and which ids between the
/// ranges it still has to fetch. Empty when the instrument holds no trade. <c>RangeLowTimesUs[i]</c> is no earlier
/// than range i's first trade, <c>RangeHighTimesUs[i]</c> no later than its last (long.MinValue, or the lists absent:
/// not known), so the trades missing between ranges i - 1 and i happened within
/// [<c>RangeHighTimesUs[i - 1]</c>, <c>RangeLowTimesUs[i]</c>], where they are marked incomplete if they cannot be fetched.
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.FeedPosition")]
public sealed record FeedPosition(
    [property: Id(0)] IReadOnlyList<long> RangeLows,
    [property: Id(1)] IReadOnlyList<long> RangeHighs,
    [property: Id(2)] long LastTradeTimeUs,
    [property: Id(3)] IReadOnlyList<long>? RangeLowTimesUs = null,
    [property: Id(4)] IReadOnlyList<long>? RangeHighTimesUs = null)
{
    public static FeedPosition None { get; } = new([], [], long.MinValue);

    /// <summary>No earlier than the first trade of range <paramref name="index"/> (long.MinValue: not known).</summary>
    public long LowTimeUs(int index) => RangeLowTimesUs is { } times && index < times.Count ? times[index] : long.MinValue;

    /// <summary>No later than the last trade of range <paramref name="index"/> (long.MinValue: not known).</summary>
    public long HighTimeUs(int index) => RangeHighTimesUs is { } times && index < times.Count ? times[index] : long.MinValue;

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
