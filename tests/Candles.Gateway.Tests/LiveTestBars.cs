using Candles.Core.Timeframes;
using Candles.Gateway.Json;
using Candles.Gateway.Live;

namespace Candles.Gateway.Tests;

/// <summary>Bars and events for outbox and subscription tests: bar <c>t</c> with <c>n</c> trades.</summary>
internal static class LiveTestBars
{
    public static readonly FeedKey Key = new("TEST:LIVE", Timeframe.OneMinute, "UTC", null);

    public static LiveEvent LiveUpdate(long t, long n) => new(LiveEventKind.Update, Candle(t, n, closed: false));

    public static LiveEvent Close(long t, long n) => new(LiveEventKind.Update, Candle(t, n, closed: true));

    public static LiveEvent Correction(long t, long n) => new(LiveEventKind.Correction, Candle(t, n, closed: true));

    private static CandleJson Candle(long t, long n, bool closed) => new(t, "1", "1", "1", "1", "1", "1", "0", "1", n, closed, 0, true);
}

/// <summary>What an outbox sent, in order: kind, subscription id, sequence, bar time and trades.</summary>
internal sealed class SentLog
{
    private readonly List<(OutgoingKind Kind, string? Id, long Seq, long T, long N)> _sent = [];

    public IReadOnlyList<(OutgoingKind Kind, string? Id, long Seq, long T, long N)> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    public ValueTask SendAsync(Outgoing message, long sequence, CancellationToken cancellation)
    {
        lock (_sent)
        {
            _sent.Add((message.Kind, message.IdJson, sequence, message.Event?.Bar.T ?? -1, message.Event?.Bar.N ?? -1));
        }

        return ValueTask.CompletedTask;
    }
}
