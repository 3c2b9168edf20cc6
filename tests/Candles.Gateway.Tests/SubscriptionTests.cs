using Candles.Gateway.Live;
using Microsoft.Extensions.Time.Testing;

using static Candles.Gateway.Tests.LiveTestBars;

namespace Candles.Gateway.Tests;

public class SubscriptionTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly FakeTimeProvider _time = new();
    private readonly SentLog _log = new();

    private static async Task<IReadOnlyList<(OutgoingKind Kind, string? Id, long Seq, long T, long N)>> DrainAsync(ClientOutbox outbox, SentLog log)
    {
        outbox.Complete();
        await outbox.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        return log.Sent;
    }

    [Fact]
    public async Task LiveUpdatesAreCoalescedToOnePerIntervalWithTheNewestSentOnTheTrailingEdge()
    {
        var outbox = new ClientOutbox(100, TimeSpan.FromSeconds(10), _time, _log.SendAsync);
        using var subscription = new Subscription("1", Key, 10, outbox, Interval, _time);
        var writer = outbox.RunAsync(CancellationToken.None);
        subscription.Deliver(LiveUpdate(0, 1));
        Assert.True(SpinWait.SpinUntil(() => _log.Sent.Count == 1, TimeSpan.FromSeconds(10)));

        // Within the interval nothing more is queued: the newest is held.
        subscription.Deliver(LiveUpdate(0, 2));
        subscription.Deliver(LiveUpdate(0, 3));
        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Equal(0, outbox.Count);
        Assert.Single(_log.Sent);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        outbox.Complete();
        await writer.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([(1L, 1L), (2L, 3L)], _log.Sent.Select(s => (s.Seq, s.N)));
    }

    [Fact]
    public async Task ACloseGoesAtOnceAndDropsTheHeldUpdateOfItsBar()
    {
        var outbox = new ClientOutbox(100, TimeSpan.FromSeconds(10), _time, _log.SendAsync);
        using var subscription = new Subscription("1", Key, 10, outbox, Interval, _time);
        subscription.Deliver(LiveUpdate(0, 1));
        subscription.Deliver(LiveUpdate(0, 2));
        subscription.Deliver(Close(0, 3));
        _time.Advance(Interval);

        Assert.Equal([(0L, 1L), (0L, 3L)], (await DrainAsync(outbox, _log)).Select(s => (s.T, s.N)));
    }

    [Fact]
    public async Task ACorrectionOfAnOlderBarLeavesTheHeldLiveUpdateToFollow()
    {
        var outbox = new ClientOutbox(100, TimeSpan.FromSeconds(10), _time, _log.SendAsync);
        using var subscription = new Subscription("1", Key, 10, outbox, Interval, _time);
        subscription.Deliver(LiveUpdate(60_000, 1));
        subscription.Deliver(LiveUpdate(60_000, 2));
        subscription.Deliver(Correction(0, 9));
        _time.Advance(Interval);

        Assert.Equal(
            [(OutgoingKind.Update, 60_000L, 1L), (OutgoingKind.Correction, 0L, 9L), (OutgoingKind.Update, 60_000L, 2L)],
            (await DrainAsync(outbox, _log)).Select(s => (s.Kind, s.T, s.N)));
    }

    [Fact]
    public async Task WithNoIntervalNothingIsHeldBackAndAnUpdateStillWaitingIsReplacedByTheNewest()
    {
        var outbox = new ClientOutbox(100, TimeSpan.FromSeconds(10), _time, _log.SendAsync);
        using var subscription = new Subscription("1", Key, 10, outbox, TimeSpan.Zero, _time);
        for (var n = 1; n <= 5; n++)
        {
            subscription.Deliver(LiveUpdate(0, n));
        }

        // Nothing is held for later (with an interval, 1 would be waiting and 5 held): the newest is already queued.
        Assert.Equal(1, outbox.Count);
        Assert.Equal([5L], (await DrainAsync(outbox, _log)).Select(s => s.N));
    }

    [Fact]
    public async Task AnUpdateSentAtOnceCancelsTheOlderHeldOneSoItNeverFollows()
    {
        var outbox = new ClientOutbox(100, TimeSpan.FromSeconds(10), _time, _log.SendAsync);
        using var subscription = new Subscription("1", Key, 10, outbox, Interval, _time);
        subscription.Deliver(LiveUpdate(0, 1));
        subscription.Deliver(LiveUpdate(0, 2));

        // The interval passes without the held update's timer firing (a busy thread pool), then a newer one comes.
        _time.AdjustTime(_time.GetUtcNow() + Interval);
        subscription.Deliver(LiveUpdate(0, 3));
        _time.Advance(Interval);

        // 3 took the place of 1 while it waited; the stale 2 must not have taken 3's place afterwards.
        Assert.Equal([3L], (await DrainAsync(outbox, _log)).Select(s => s.N));
    }

    [Fact]
    public async Task NothingIsQueuedForAnEndedSubscription()
    {
        var outbox = new ClientOutbox(100, TimeSpan.FromSeconds(10), _time, _log.SendAsync);
        var subscription = new Subscription("1", Key, 10, outbox, Interval, _time);
        subscription.Dispose();
        subscription.Deliver(LiveUpdate(0, 1));
        subscription.Deliver(Close(0, 2));
        subscription.Snapshot([]);

        Assert.Equal(0, outbox.Count);
        Assert.Empty(await DrainAsync(outbox, _log));
    }
}
