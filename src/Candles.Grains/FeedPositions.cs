using Candles.Abstractions.Wire;
using Candles.Core.Building;

namespace Candles.Grains;

/// <summary>Where an instrument's trades stand, for a feed connector that resumes or fills its holes.</summary>
internal static class FeedPositions
{
    /// <summary>Trade-id ranges a feed position gives: enough for the holes a connector can leave behind.</summary>
    internal const int Ranges = 64;

    /// <summary>The newest <see cref="Ranges"/> ranges of trade ids the builder holds, with the times of their ends' trades.</summary>
    public static FeedPosition Of(BarBuilder builder)
    {
        var ranges = builder.Checkpoint().AppliedIds;
        var tail = ranges.Skip(Math.Max(0, ranges.Count - Ranges)).ToList();
        var newest = builder.LiveBar ?? (builder.ClosedBars.Count > 0 ? builder.ClosedBars[^1] : null);
        return tail.Count == 0
            ? FeedPosition.None
            : new FeedPosition(
                [.. tail.Select(r => r.Low)], [.. tail.Select(r => r.High)], newest?.Candle.LastTradeTimeUs ?? long.MinValue,
                [.. tail.Select(r => builder.TradeTimeUs(r.Low, latest: true))], [.. tail.Select(r => builder.TradeTimeUs(r.High, latest: false))]);
    }
}
