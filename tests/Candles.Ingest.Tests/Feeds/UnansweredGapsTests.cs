using Candles.Ingest.Feeds;

namespace Candles.Ingest.Tests.Feeds;

public class UnansweredGapsTests
{
    [Fact]
    public void AGapIsTriedAgainAfterADoublingWaitUntilTheRetryTimeIsOverAndItsPiecesWithIt()
    {
        var gaps = new UnansweredGaps(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        var gap = new MissingTrades(100, 199, 1, 2);
        Assert.Equal((true, TimeSpan.FromSeconds(1), true), gaps.Failed(gap, nowMs: 0));
        Assert.Equal(TimeSpan.FromMilliseconds(600), gaps.WaitLeft(gap, nowMs: 400));
        Assert.Null(gaps.WaitLeft(gap, nowMs: 1_000));
        Assert.Equal((true, TimeSpan.FromSeconds(2), false), gaps.Failed(gap, nowMs: 1_000));

        // A piece left by a partial fill keeps the gap's clock: not a first failure, and given up with the gap.
        var piece = new MissingTrades(150, 199, 1, 2);
        Assert.Equal((true, TimeSpan.FromSeconds(4), false), gaps.Failed(piece, nowMs: 3_000));
        Assert.Equal((false, TimeSpan.Zero, false), gaps.Failed(piece, nowMs: 10_000));
        Assert.Equal((false, TimeSpan.Zero, false), gaps.Failed(new MissingTrades(100, 120, 1, 2), nowMs: 10_001));
        Assert.Null(gaps.WaitLeft(gap, nowMs: 10_001));

        // Forgotten once nothing of it is missing: a new gap over the same ids starts afresh.
        gaps.KeepOnly([]);
        Assert.Equal((true, TimeSpan.FromSeconds(1), true), gaps.Failed(gap, nowMs: 20_000));
    }
}
