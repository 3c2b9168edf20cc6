using Candles.Gateway.Live;
using Microsoft.Extensions.Time.Testing;

using static Candles.Gateway.Tests.LiveTestBars;

namespace Candles.Gateway.Tests;

public class ClientOutboxTests
{
    private readonly SentLog _log = new();
    private readonly FakeTimeProvider _time = new();

    private ClientOutbox Outbox(int limit = 100) => new(limit, TimeSpan.FromSeconds(10), _time, _log.SendAsync);

    private Subscription Subscribe(ClientOutbox outbox, string id) => new(id, Key, 10, outbox, TimeSpan.Zero, new FakeTimeProvider());

    private static async Task DrainAsync(ClientOutbox outbox)
    {
        outbox.Complete();
        await outbox.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ALiveUpdateStillWaitingIsReplacedByTheNewestInItsPlace()
    {
        var outbox = Outbox();
        var a = Subscribe(outbox, "1");
        var b = Subscribe(outbox, "2");
        outbox.EnqueueLive(a, LiveUpdate(60_000, 1));
        outbox.EnqueueLive(b, LiveUpdate(60_000, 7));
        outbox.EnqueueLive(a, LiveUpdate(60_000, 2));
        outbox.EnqueueLive(a, LiveUpdate(60_000, 3));

        Assert.Equal(2, outbox.Count);
        await DrainAsync(outbox);
        Assert.Equal([("1", 1L, 3L), ("2", 1L, 7L)], _log.Sent.Select(s => (s.Id, s.Seq, s.N)));
    }

    [Fact]
    public async Task ALiveUpdateQueuedBehindACloseIsNotMovedAheadOfIt()
    {
        var outbox = Outbox();
        var a = Subscribe(outbox, "1");
        outbox.EnqueueLive(a, LiveUpdate(60_000, 1));
        outbox.Enqueue(Outgoing.ForEvent(a, Close(60_000, 2)));
        outbox.EnqueueLive(a, LiveUpdate(120_000, 1));
        outbox.EnqueueLive(a, LiveUpdate(120_000, 2));
        outbox.Enqueue(Outgoing.ForEvent(a, Correction(0, 5)));

        await DrainAsync(outbox);
        Assert.Equal(
            [(OutgoingKind.Update, 1L, 60_000L, 1L), (OutgoingKind.Update, 2L, 60_000L, 2L), (OutgoingKind.Update, 3L, 120_000L, 2L), (OutgoingKind.Correction, 4L, 0L, 5L)],
            _log.Sent.Select(s => (s.Kind, s.Seq, s.T, s.N)));
    }

    [Fact]
    public async Task AClientTooFarBehindIsCutOffWithAReasonAndSentNothingMore()
    {
        var outbox = Outbox(3);
        var a = Subscribe(outbox, "1");
        for (var i = 0; i < 3; i++)
        {
            outbox.Enqueue(Outgoing.ForEvent(a, Close(i * 60_000, 1)));
        }

        Assert.Null(outbox.OverflowReason);
        outbox.Enqueue(Outgoing.ForEvent(a, Close(180_000, 1)));

        Assert.Contains("too slow", outbox.OverflowReason);
        Assert.True(outbox.Stopped.IsCompleted);
        await outbox.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(_log.Sent);
    }

    [Fact]
    public async Task AClientGoneWhileMessagesWaitIsSentNothingMore()
    {
        // A lost connection's writes succeed into nothing: the writer stops at the next message, not after the whole queue.
        using var gone = new CancellationTokenSource();
        var sent = 0;
        var outbox = new ClientOutbox(100, TimeSpan.FromSeconds(10), _time, (_, _, _) =>
        {
            sent++;
            gone.Cancel();
            return ValueTask.CompletedTask;
        });
        var a = Subscribe(outbox, "1");
        for (var i = 0; i < 5; i++)
        {
            outbox.Enqueue(Outgoing.ForEvent(a, Close(i * 60_000, 1)));
        }

        await outbox.RunAsync(gone.Token).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, sent);
    }

    [Fact]
    public async Task MessagesOfAnEndedSubscriptionAreNotSent()
    {
        var outbox = Outbox();
        var a = Subscribe(outbox, "1");
        var b = Subscribe(outbox, "2");
        outbox.Enqueue(Outgoing.ForEvent(a, Close(0, 1)));
        outbox.Enqueue(Outgoing.ForEvent(b, Close(0, 2)));
        a.Dispose();

        await DrainAsync(outbox);
        Assert.Equal([("2", 1L)], _log.Sent.Select(s => (s.Id, s.Seq)));
    }

    [Fact]
    public void AClientWhoseOldestMessageWaitedTooLongIsCutOffEvenWithFewWaiting()
    {
        var outbox = Outbox();
        var a = Subscribe(outbox, "1");
        outbox.Enqueue(Outgoing.ForEvent(a, Close(0, 1)));
        _time.Advance(TimeSpan.FromSeconds(10));
        outbox.CheckLag();
        Assert.Null(outbox.OverflowReason);

        _time.Advance(TimeSpan.FromSeconds(1));
        outbox.CheckLag();
        Assert.Equal("client too slow: 1 messages waiting, the oldest for 11.0 s", outbox.OverflowReason);
        Assert.True(outbox.Stopped.IsCompleted);
    }
}
