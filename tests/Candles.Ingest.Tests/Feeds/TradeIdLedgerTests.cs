using Candles.Abstractions.Wire;
using Candles.Core.Ticks;
using Candles.Ingest.Feeds;

namespace Candles.Ingest.Tests.Feeds;

public class TradeIdLedgerTests
{
    /// <summary>Trade <paramref name="id"/> at <paramref name="id"/> seconds.</summary>
    private static VenueTrade Trade(long id) => new("BTCUSDT", id, id * 1_000_000, "1.0", "1.0", AggressorSide.Buy);

    [Fact]
    public void ConsecutiveIdsSkippedAreMissingBetweenTheirNeighboursAndFilledPieceByPiece()
    {
        var ids = new TradeIdLedger(consecutiveIds: true);
        Assert.True(ids.Accept(Trade(1), out var gap) && !gap);
        Assert.True(ids.Accept(Trade(2), out gap) && !gap);
        Assert.True(ids.Accept(Trade(6), out gap) && gap);
        Assert.Equal([new MissingTrades(3, 5, 2_000_000, 6_000_000)], ids.Missing());

        // A fetched 4 splits the range; each piece lies between the trades now known on either side.
        Assert.True(ids.Fill(Trade(4)));
        Assert.Equal([new MissingTrades(3, 3, 2_000_000, 4_000_000), new MissingTrades(5, 5, 4_000_000, 6_000_000)], ids.Missing());
        Assert.False(ids.Fill(Trade(4)));
        Assert.False(ids.Accept(Trade(4), out _));
        Assert.True(ids.Accept(Trade(3), out gap) && !gap);
        Assert.False(ids.Accept(Trade(2), out _));
        Assert.Equal([new MissingTrades(5, 5, 4_000_000, 6_000_000)], ids.Missing());
        Assert.Equal(6_000_000, ids.LastTimeUs);
    }

    [Fact]
    public void IdsTheVenueAnnouncesAfterTheLastTakenAreMissingInOneRangeAndTheirTradesFillIt()
    {
        var ids = new TradeIdLedger(consecutiveIds: true);
        Assert.False(ids.Announced(5, 9_000_000));
        Assert.True(ids.Accept(Trade(2), out _));
        Assert.False(ids.Announced(2, 9_000_000));
        Assert.True(ids.Announced(4, 9_000_000));
        Assert.True(ids.Announced(6, 10_000_000));
        Assert.Equal([new MissingTrades(3, 6, 2_000_000, 10_000_000)], ids.Missing());

        // A match on its way is taken as a fill; the next id after the announced one as the next trade.
        Assert.True(ids.Accept(Trade(3), out var gap) && !gap);
        Assert.True(ids.Accept(Trade(7), out gap) && !gap);
        Assert.Equal([new MissingTrades(4, 6, 3_000_000, 10_000_000)], ids.Missing());
        Assert.False(ids.Accept(Trade(3), out _));
    }

    [Fact]
    public void WithoutConsecutiveIdsOnlyALaterIdIsNewAndNothingIsMissing()
    {
        var ids = new TradeIdLedger(consecutiveIds: false);
        Assert.True(ids.Accept(Trade(10), out _));
        Assert.True(ids.Accept(Trade(12), out var gap));
        Assert.False(gap);
        Assert.False(ids.Accept(Trade(11), out _));
        Assert.False(ids.Accept(Trade(12), out _));
        Assert.Empty(ids.Missing());
    }

    [Fact]
    public void ACatchUpStartsWhereTheFeedWasWhenTheConnectionDroppedNotAfterTheNewConnectionsTrades()
    {
        var ids = new TradeIdLedger(consecutiveIds: false);
        ids.Accept(Trade(5), out _);
        ids.HoldPosition();
        ids.Accept(Trade(9), out _);
        Assert.Null(ids.TakeResume());
        ids.Reconnected();
        Assert.Equal((5L, 5_000_000L), ids.TakeResume());
        Assert.Null(ids.TakeResume());
    }

    [Fact]
    public void AConnectionThatLastedUntilItsReplacementWasUpLeavesNothingToCatchUp()
    {
        var ids = new TradeIdLedger(consecutiveIds: false);
        ids.Accept(Trade(5), out _);
        ids.HoldPosition();
        ids.ReplacedWithoutGap();
        ids.Reconnected();
        Assert.Null(ids.TakeResume());
    }

    [Fact]
    public void ItStartsAfterTheInstrumentsLastTradeWithTheHolesBetweenItsRangesMissing()
    {
        var ids = new TradeIdLedger(consecutiveIds: true);
        Assert.False(ids.Start(FeedPosition.None));
        Assert.True(ids.Start(new FeedPosition([1, 20], [10, 30], 30_000_000, [1_000_000, 20_000_000], [10_000_000, 30_000_000])));
        Assert.Equal([new MissingTrades(11, 19, 10_000_000, 20_000_000)], ids.Missing());

        // A catch-up from the instrument's last trade is due; a drop before it runs keeps the earlier start.
        ids.Accept(Trade(31), out _);
        ids.HoldPosition();
        ids.Reconnected();
        Assert.Equal((30L, 30_000_000L), ids.TakeResume());
        Assert.True(ids.Accept(Trade(15), out var gap) && !gap);
        Assert.Equal([new MissingTrades(11, 14, 10_000_000, 15_000_000), new MissingTrades(16, 19, 15_000_000, 20_000_000)], ids.Missing());
    }
}
