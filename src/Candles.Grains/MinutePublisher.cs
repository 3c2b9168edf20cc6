using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;
using Candles.Core.Building;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Candles.Grains;

/// <summary>
/// An instrument's 1m messages, in order: pushed to the timeframe grains that follow it, and on the instrument's 1m
/// stream when the sealers need them (closes, corrections, the watermark's minutes). Each message is numbered +1 from
/// the activation's wall clock (the stream's copies under a sequence of their own), so a new activation never repeats
/// an old one's numbers and a lost message is a gap its consumers see.
/// </summary>
internal sealed partial class MinutePublisher(string instrument, IAsyncStream<BarEvents> stream, MinuteFollowers followers, long firstSequence, ILogger logger)
{
    /// <summary>Footprint levels (plus one per bar) in one message: about 300 KB serialized at most.</summary>
    internal const int MaxMessageLevels = 8192;

    private long _sequence = firstSequence;
    private long _streamSequence = firstSequence;
    private long _lastPublishedMs;
    private long _publishedWatermarkUs = long.MinValue;

    /// <summary>The number of the last message sent.</summary>
    public long Sequence => _sequence;

    /// <summary>This activation's messages, told apart from another's whatever their numbers (clocks of two silos may disagree).</summary>
    public long Producer { get; } = firstSequence;

    /// <summary>The live bar changed since the last message.</summary>
    public bool LivePending { get; set; }

    /// <summary>A live change waits and the last message is at least <paramref name="updatePeriod"/> old.</summary>
    public bool LiveDue(TimeSpan updatePeriod) =>
        LivePending && Environment.TickCount64 - _lastPublishedMs >= updatePeriod.TotalMilliseconds;

    /// <summary>
    /// The watermark entered a new minute since the last message: consumers hear of it even when no 1m bar changed,
    /// so a longer bar whose last minutes were quiet closes on time.
    /// </summary>
    public bool WatermarkCrossedMinute(BarBuilder builder) => builder.WatermarkUs / 60_000_000 > _publishedWatermarkUs / 60_000_000;

    public void Follow(string timeframeKey) => followers.Follow(timeframeKey);

    public void Unfollow(string timeframeKey) => followers.Unfollow(timeframeKey);

    /// <summary>
    /// Sends the committed <paramref name="changes"/>, and the live bar if it changed since the last message, in order. A
    /// message lost here is a gap the consumers see by its sequence. A big commit (a replay batch closes thousands of
    /// bars) is split into messages of at most <see cref="MaxMessageLevels"/> footprint levels, as the memory stream's
    /// cache refuses messages of a megabyte; a bar too wide for one message alone goes without its footprint, which a
    /// consumer can still read from the instrument's grain.
    /// </summary>
    public async Task PublishAsync(BarBuilder builder, List<BarChange> changes, long closedVersion, IncompleteSpans? incomplete)
    {
        List<BarEvent> events = new(changes.Count + 1);
        foreach (var change in changes)
        {
            events.Add(new BarEvent(change.Kind == BarChangeKind.Closed ? BarEventKind.Close : BarEventKind.Correction, change.Bar));
        }

        if (LivePending && builder.LiveBar is { } live)
        {
            events.Add(new BarEvent(BarEventKind.Update, live));
        }

        // The stream's consumers (the sealers) need closes, corrections and the watermark's minutes; a live update alone
        // goes to the following timeframes only, sparing the stream a footprint per commit.
        var forStream = changes.Count > 0 || WatermarkCrossedMinute(builder);
        var committedAtMs = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        LivePending = false;
        _lastPublishedMs = Environment.TickCount64;
        _publishedWatermarkUs = builder.WatermarkUs;
        try
        {
            if (events.Count == 0)
            {
                await SendAsync(new BarEvents(++_sequence, closedVersion, builder.WatermarkUs, [], builder.RetainedFromMs, incomplete, committedAtMs, EndsCommit: true, Producer: Producer), forStream);
            }

            var start = 0;
            while (start < events.Count)
            {
                var (count, weight) = (0, 0);
                while (start + count < events.Count && (count == 0 || weight + Weight(events[start + count]) <= MaxMessageLevels))
                {
                    weight += Weight(events[start + count++]);
                }

                IReadOnlyList<BarEvent> chunk = count == 1 && weight > MaxMessageLevels
                    ? [events[start] with { Bar = events[start].Bar with { Footprint = Core.Bars.Footprint.Empty } }]
                    : events.GetRange(start, count);
                var last = start + count == events.Count;
                await SendAsync(new BarEvents(++_sequence, closedVersion, builder.WatermarkUs, chunk, builder.RetainedFromMs, incomplete, committedAtMs, EndsCommit: last, Producer: Producer), forStream);
                start += count;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogPublishFailed(logger, ex, instrument);
        }

        static int Weight(BarEvent e) => 1 + e.Bar.Footprint.Levels.Length;
    }

    /// <summary>
    /// To the following timeframes first, so a live update's path to a chart waits for no stream agent; then, if the
    /// sealers need it, on the stream under the stream's own sequence (+1 per stream message, so gaps stay visible).
    /// The stream carries candles only: the sealers compose days from the instrument's bars and read no footprint from a
    /// message, and a replay's closes would otherwise fill the stream cache's pooled blocks with levels for half an hour.
    /// </summary>
    private Task SendAsync(BarEvents message, bool forStream)
    {
        followers.Push(message);
        if (!forStream)
        {
            return Task.CompletedTask;
        }

        List<BarEvent> candles = new(message.Events.Count);
        foreach (var e in message.Events)
        {
            candles.Add(e.Bar.Footprint.Levels.IsEmpty ? e : e with { Bar = e.Bar with { Footprint = Core.Bars.Footprint.Empty } });
        }

        return stream.OnNextAsync(message with { Sequence = ++_streamSequence, Events = candles });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the 1m events of {Instrument}; consumers will see a sequence gap")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string instrument);
}
