using System.Text;
using System.Threading.Channels;
using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Instruments;
using Candles.Core.Ticks;
using Microsoft.Extensions.Logging;
using Polly;

namespace Candles.Ingest.Feeds;

/// <summary>
/// Where one feed's trades go into their instrument: as ticks on the instrument's grids, through a bounded queue, in
/// batches, each call retried until the instrument takes it. A trade that cannot go in (off the grids, past the queue,
/// refused by the instrument) leaves its minute short of it: such minutes are kept, one entry a minute, until
/// <see cref="MarkUnheldAsync"/> marks them incomplete.
/// </summary>
internal sealed partial class InstrumentOutlet(
    VenueFeedOptions options,
    Instrument instrument,
    ITickTarget target,
    FeedCounters counters,
    ResiliencePipeline retry,
    ILogger logger)
{
    private readonly Channel<Tick> _ticks = Channel.CreateBounded<Tick>(new BoundedChannelOptions(options.MaxQueuedTicks) { SingleReader = true });

    // Trades taken but not delivered, or a first trade with unknown trades before it: by minute, the first and last such
    // trade's time, so that a long outage of the instrument adds one entry a minute, not one a trade.
    private readonly Dictionary<long, (long FirstUs, long LastUs)> _unheld = [];

    // Set while the queue is full, so its overflow is logged once, not once a trade.
    private volatile bool _overflowing;

    public string InstrumentId { get; } = instrument.Id.Value;

    /// <summary>A live trade: queued, or, the queue full, given up and kept unheld, as the connection's reader must not wait. False when unheld.</summary>
    public bool Enqueue(in VenueTrade trade)
    {
        if (!Deliverable(trade, out var tick))
        {
            return false;
        }

        if (_ticks.Writer.TryWrite(tick))
        {
            _overflowing = false;
            return true;
        }

        // The instrument has taken nothing for so long (its store down) that the queue is full: the trade is given up and
        // its minute marked, rather than the silo running out of memory for every instrument it holds.
        counters.Unfilled(1);
        if (!_overflowing)
        {
            _overflowing = true;
            LogQueueFull(logger, InstrumentId, options.MaxQueuedTicks);
        }

        Unheld(trade.TimeUs);
        return false;
    }

    /// <summary>A fetched trade: queued, waiting for room, as a gap's fill can wait for the instrument where a reader cannot. False when unheld.</summary>
    public async Task<bool> EnqueueFetchedAsync(VenueTrade trade, CancellationToken cancellation)
    {
        if (!Deliverable(trade, out var tick))
        {
            return false;
        }

        await _ticks.Writer.WriteAsync(tick, cancellation);
        return true;
    }

    /// <summary>A trade taken whose minute lacks it, or may lack others: kept for <see cref="MarkUnheldAsync"/>.</summary>
    public void Unheld(long timeUs)
    {
        var minute = timeUs / 60_000_000;
        lock (_unheld)
        {
            _unheld[minute] = _unheld.TryGetValue(minute, out var known) ? (Math.Min(known.FirstUs, timeUs), Math.Max(known.LastUs, timeUs)) : (timeUs, timeUs);
        }
    }

    /// <summary>
    /// The minutes of trades that could not be delivered are marked incomplete, one span per run of such minutes (a venue
    /// that changed its tick size sends nothing but such trades until the grids are set again).
    /// </summary>
    public async Task MarkUnheldAsync(CancellationToken cancellation)
    {
        List<KeyValuePair<long, (long FirstUs, long LastUs)>> minutes;
        lock (_unheld)
        {
            minutes = [.. _unheld.OrderBy(m => m.Key)];
            _unheld.Clear();
        }

        for (var start = 0; start < minutes.Count;)
        {
            var end = start;
            while (end + 1 < minutes.Count && minutes[end + 1].Key - minutes[end].Key <= 1)
            {
                end++;
            }

            var (fromUs, toUs) = (minutes[start].Value.FirstUs, minutes[end].Value.LastUs);
            await CallAsync(token => target.MarkIncompleteAsync(InstrumentId, fromUs, toUs, token), cancellation);
            start = end + 1;
        }
    }

    /// <summary>Gives missed trades up: counted, logged, and the minutes between their neighbours marked.</summary>
    public async Task MarkIncompleteAsync(long afterTimeUs, long beforeTimeUs, long trades, CancellationToken cancellation)
    {
        counters.Unfilled(trades);
        LogUnfilled(logger, InstrumentId, trades, afterTimeUs, beforeTimeUs);
        await MarkSpanAsync(afterTimeUs, beforeTimeUs, cancellation);
    }

    /// <summary>Marks the minutes from <paramref name="afterTimeUs"/> to <paramref name="beforeTimeUs"/>; with one unknown, the other's alone.</summary>
    public async Task MarkSpanAsync(long afterTimeUs, long beforeTimeUs, CancellationToken cancellation)
    {
        var (fromUs, toUs) = (afterTimeUs == long.MinValue ? beforeTimeUs : afterTimeUs, beforeTimeUs == long.MinValue ? afterTimeUs : beforeTimeUs);
        if (fromUs != long.MinValue)
        {
            await CallAsync(token => target.MarkIncompleteAsync(InstrumentId, fromUs, toUs, token), cancellation);
        }
    }

    /// <summary>Delivers the queued ticks in batches until stopped.</summary>
    public async Task DeliverAsync(CancellationToken cancellation)
    {
        var reader = _ticks.Reader;
        List<Tick> batch = new(options.BatchSize);
        while (await reader.WaitToReadAsync(cancellation))
        {
            batch.Clear();
            while (batch.Count < options.BatchSize && reader.TryRead(out var tick))
            {
                batch.Add(tick);
            }

            var ticks = batch.ToArray();
            var report = await CallAsync(token => target.IngestAsync(InstrumentId, ticks, token), cancellation);
            counters.Delivered(report);
            if (report.TooOld + report.OutOfBounds > 0)
            {
                // The instrument refused some (a time past its clock's allowed skew, or before its retention); the report
                // does not say which, so the minutes of the whole batch are marked.
                LogRefused(logger, InstrumentId, report.TooOld + report.OutOfBounds, ticks.Length);
                await CallAsync(token => target.MarkIncompleteAsync(InstrumentId, ticks.Min(t => t.TimeUs), ticks.Max(t => t.TimeUs), token), cancellation);
            }
        }
    }

    /// <summary>
    /// A call to the instrument, retried until it is taken. An instrument whose definition its store lost (and PostgreSQL
    /// has none) is defined again from the venue's grids first, as nothing else would; one defined since with other grids
    /// stops the connector, which then skips it as at its start.
    /// </summary>
    public Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellation) =>
        retry.ExecuteAsync(
            async token =>
            {
                try
                {
                    return await call(token);
                }
                catch (InstrumentUndefinedException)
                {
                    var outcome = await target.DefineAsync(new InstrumentSpec(InstrumentId, instrument.TickSize.ToString(), instrument.QuantityStep.ToString()), token);
                    LogDefinedAgain(logger, InstrumentId, outcome);
                    if (outcome == DefineOutcome.Conflict)
                    {
                        throw new InstrumentGridsChangedException(InstrumentId);
                    }

                    throw;
                }
            },
            cancellation).AsTask();

    private async Task CallAsync(Func<CancellationToken, Task> call, CancellationToken cancellation) =>
        await CallAsync(
            async token =>
            {
                await call(token);
                return true;
            },
            cancellation);

    /// <summary>The trade as a tick; one off the instrument's grids is counted, logged, and kept unheld.</summary>
    private bool Deliverable(in VenueTrade trade, out Tick tick)
    {
        if (ToTick(trade) is { } onGrids)
        {
            tick = onGrids;
            return true;
        }

        tick = default;
        counters.OffGrid();
        LogOffGrid(logger, InstrumentId, trade.TradeId, trade.Price, trade.Quantity);
        Unheld(trade.TimeUs);
        return false;
    }

    /// <summary>
    /// The trade on the instrument's grids, or null when its price or quantity is not on them or not positive, or when
    /// price × quantity is beyond what a bar can sum (<see cref="Volume.TradeFits"/>), as every other ingest path refuses.
    /// </summary>
    private Tick? ToTick(in VenueTrade trade)
    {
        Span<byte> text = stackalloc byte[64];
        if (trade.Price.Length > text.Length || trade.Quantity.Length > text.Length)
        {
            return null;
        }

        var length = Encoding.ASCII.GetBytes(trade.Price, text);
        // A trade at no price or of no quantity is no trade a bar can hold, as on every other ingest path.
        if (instrument.TickSize.TryParseUnits(text[..length], out var price) != UnitsParse.Ok || price <= 0)
        {
            return null;
        }

        length = Encoding.ASCII.GetBytes(trade.Quantity, text);
        return instrument.QuantityStep.TryParseUnits(text[..length], out var quantity) == UnitsParse.Ok && quantity > 0
            && Volume.TradeFits(price, quantity)
            ? new Tick(trade.TradeId, trade.TimeUs, price, quantity, trade.Side)
            : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instrument} had lost its definition and was defined again from the venue's grids: {Outcome}")]
    private static partial void LogDefinedAgain(ILogger logger, string instrument, DefineOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instrument}: trade {TradeId} ({Price} x {Quantity}) is off the instrument's grids and was skipped")]
    private static partial void LogOffGrid(ILogger logger, string instrument, long tradeId, string price, string quantity);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Instrument}: {Max} trades wait for the instrument to take them; later ones are given up and their minutes marked incomplete until it takes some")]
    private static partial void LogQueueFull(ILogger logger, string instrument, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instrument} refused {Refused} of {Count} ticks (out of its time bounds); the batch's minutes are marked incomplete")]
    private static partial void LogRefused(ILogger logger, string instrument, int refused, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instrument}: {Trades} missed trade(s) cannot be fetched; the minutes from {FromUs} to {ToUs} (µs) are marked incomplete")]
    private static partial void LogUnfilled(ILogger logger, string instrument, long trades, long fromUs, long toUs);
}
