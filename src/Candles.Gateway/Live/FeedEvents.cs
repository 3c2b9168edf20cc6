using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Instruments;
using Candles.Core.Timeframes;
using Candles.Gateway.Json;

namespace Candles.Gateway.Live;

/// <summary>
/// What one feed's grain sends, as clients get it: a message's bar events, and a snapshot's bars, as candles or, for a
/// footprint feed, as footprint bars on the feed's grid.
/// </summary>
internal sealed class FeedEvents(FeedKey key, Instrument instrument, ITimeframeGrain grain)
{
    /// <summary>Bars of one message opening at most this far apart have their footprints read together: 16 bars (40 days for calendar bars).</summary>
    private long ReadTogetherMs => key.Timeframe.IsIntraday ? 16 * key.Timeframe.LengthMs : 40 * Timeframe.DayMs;

    /// <summary>
    /// The message's bars as sent to clients. A footprint feed reads the footprints of the message's bars on its grid
    /// in one call; if one is missing there, null: the subscribers get a snapshot instead of a hole.
    /// </summary>
    public async Task<List<LiveEvent>?> OfAsync(BarEvents message)
    {
        var footprints = key.StepTicks is not null && message.Events.Count > 0 ? await FootprintsOfAsync(message) : null;
        List<LiveEvent> events = new(message.Events.Count);
        foreach (var e in message.Events)
        {
            var closed = e.Kind != BarEventKind.Update;
            var kind = e.Kind == BarEventKind.Correction ? LiveEventKind.Correction : LiveEventKind.Update;
            var complete = message.IsComplete(e.Bar);
            if (footprints is null)
            {
                events.Add(new LiveEvent(kind, CandleJson.From(e.Bar, closed, complete, instrument), message.CommittedAtMs));
            }
            else if (footprints.TryGetValue(e.Bar.Candle.OpenTimeMs, out var footprint))
            {
                // Closed as the event says: a live update read after its bar closed is not a second close.
                events.Add(new LiveEvent(kind, FootprintJson.From(footprint, closed, complete, instrument), message.CommittedAtMs));
            }
            else
            {
                return null;
            }
        }

        return events;
    }

    /// <summary>A snapshot's bar as sent to clients.</summary>
    public CandleJson Of(Bar bar, BarsPage page) =>
        key.StepTicks is null ? CandleJson.From(bar, page, instrument) : FootprintJson.From(bar, page, instrument);

    /// <summary>
    /// The footprints of the message's bars by open time. Bars close together in one read; a correction of an old bar
    /// beside the live one in a read of its own, so the grain does not compose every footprint between them.
    /// </summary>
    private async Task<Dictionary<long, Bar>> FootprintsOfAsync(BarEvents message)
    {
        Dictionary<long, Bar> footprints = [];
        List<long> times = [.. message.Events.Select(e => e.Bar.Candle.OpenTimeMs).Distinct().Order()];
        var first = 0;
        for (var i = 1; i <= times.Count; i++)
        {
            if (i < times.Count && times[i] - times[i - 1] <= ReadTogetherMs)
            {
                continue;
            }

            var page = await grain.GetBars(new BarsQuery(times[first], times[i - 1] + 1, int.MaxValue, key.StepTicks));
            foreach (var bar in page.Bars)
            {
                footprints[bar.Candle.OpenTimeMs] = bar;
            }

            first = i;
        }

        return footprints;
    }
}
