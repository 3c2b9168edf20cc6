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
/// One instrument of a connector: drops repeats by the trade ids it has taken (<see cref="TradeIdLedger"/>), turns trades into ticks on the
/// instrument's grids and delivers them in batches, retrying until the instrument takes them. Ids that a venue
/// with consecutive ids skipped are fetched over REST after <see cref="VenueFeedOptions.GapWait"/>; after a
/// reconnect a venue without consecutive ids is asked for everything since the last trade. What the venue no
/// longer serves, the minutes of trades off the instrument's grids or past its queue, and the first minute of an
/// instrument that held no trade when the feed started, are marked incomplete on the instrument.
/// </summary>
internal sealed partial class SymbolFeed(
    Venue venue,
    VenueFeedOptions options,
    string symbol,
    Instrument instrument,
    ITickTarget target,
    HttpClient rest,
    FeedCounters counters,
    ResiliencePipeline retry,
    TimeProvider clock,
    ILogger logger)
{
    private readonly TradeIdLedger _ids = new(venue.ContiguousTradeIds);
    private readonly Channel<Tick> _ticks = Channel.CreateBounded<Tick>(new BoundedChannelOptions(options.MaxQueuedTicks) { SingleReader = true });
    private readonly Channel<bool> _gapSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Trades taken but not delivered, or a first trade with unknown trades before it: by minute, the first and last such
    // trade's time, so that a long outage of the instrument adds one entry a minute, not one a trade.
    private readonly Dictionary<long, (long FirstUs, long LastUs)> _unheld = [];

    private readonly UnansweredGaps _unanswered = new(options.GapWait > MinRetryWait ? options.GapWait : MinRetryWait, options.BackfillRetryFor);
    private readonly UnansweredGaps _unansweredResumes = new(options.GapWait > MinRetryWait ? options.GapWait : MinRetryWait, options.BackfillRetryFor);
    private readonly string _instrumentId = instrument.Id.Value;

    // 1 until the first trade of an instrument that held none when the feed started.
    private int _firstUnseen;

    // Set while the queue is full, so its overflow is logged once, not once a trade.
    private volatile bool _overflowing;

    /// <summary>The least wait before a gap the venue gave no answer for is fetched again, whatever the gap wait.</summary>
    private static readonly TimeSpan MinRetryWait = TimeSpan.FromMilliseconds(500);

    public string Symbol => symbol;

    /// <summary>
    /// Starts from where the instrument is. What is to be fetched is fetched once the first connection is up
    /// (<see cref="Reconnected"/>): asked before the venue sends live trades, it would miss those between its answer
    /// and the subscription, which ids without order (Bybit's) never show.
    /// </summary>
    public void Start(FeedPosition position)
    {
        _ids.Start(position);
        _firstUnseen = position.LastTradeId is null ? 1 : 0;
    }

    /// <summary>Delivers and fills gaps until stopped.</summary>
    public Task RunAsync(CancellationToken cancellation) => Together.RunAsync([DeliverAsync, FillGapsAsync], cancellation);

    /// <summary>The connection dropped, or may drop before its replacement is up: see <see cref="TradeIdLedger.HoldPosition"/>.</summary>
    public void HoldPosition() => _ids.HoldPosition();

    /// <summary>The old connection lasted until its replacement was up: nothing to catch up.</summary>
    public void ReplacedWithoutGap() => _ids.ReplacedWithoutGap();

    /// <summary>
    /// A connection is up, the first or a new one: the venue is asked at once for the trades since the last one held at
    /// the start or the drop, rather than waiting for the next live trade to show the gap (a quiet market may not trade
    /// for minutes).
    /// </summary>
    public void Reconnected()
    {
        _ids.Reconnected();
        _gapSignal.Writer.TryWrite(true);
    }

    /// <summary>A trade from a live connection.</summary>
    public void Offer(in VenueTrade trade)
    {
        var accepted = _ids.Accept(trade, out var gap);
        if (gap)
        {
            _gapSignal.Writer.TryWrite(true);
        }

        if (!accepted)
        {
            counters.DroppedRepeat();
            return;
        }

        // The instrument held no trade: those before this one were not followed, so its minute, and every period holding
        // it (its day, week, month), may lack some.
        if (Interlocked.Exchange(ref _firstUnseen, 0) == 1)
        {
            LogFirstTrade(logger, _instrumentId, trade.TradeId);
            Unheld(trade.TimeUs);
        }

        Enqueue(trade);
    }

    /// <summary>A live trade: queued, or, the queue full, given up and marked, as the connection's reader must not wait.</summary>
    private void Enqueue(in VenueTrade trade)
    {
        if (!Deliverable(trade, out var tick))
        {
            return;
        }

        if (_ticks.Writer.TryWrite(tick))
        {
            _overflowing = false;
        }
        else
        {
            // The instrument has taken nothing for so long (its store down) that the queue is full: the trade is given up
            // and its minute marked, rather than the silo running out of memory for every instrument it holds.
            counters.Unfilled(1);
            if (!_overflowing)
            {
                _overflowing = true;
                LogQueueFull(logger, _instrumentId, options.MaxQueuedTicks);
            }

            Unheld(trade.TimeUs);
        }
    }

    /// <summary>A fetched trade: queued, waiting for room, as the gap loop can wait for the instrument where a reader cannot.</summary>
    private async Task EnqueueFetchedAsync(VenueTrade trade, CancellationToken cancellation)
    {
        if (Deliverable(trade, out var tick))
        {
            await _ticks.Writer.WriteAsync(tick, cancellation);
        }
    }

    /// <summary>The trade as a tick; one off the instrument's grids is counted, logged, and its minute marked.</summary>
    private bool Deliverable(in VenueTrade trade, out Tick tick)
    {
        if (ToTick(trade) is { } onGrids)
        {
            tick = onGrids;
            return true;
        }

        tick = default;
        counters.OffGrid();
        LogOffGrid(logger, _instrumentId, trade.TradeId, trade.Price, trade.Quantity);
        Unheld(trade.TimeUs);
        return false;
    }

    /// <summary>A trade taken whose minute lacks it, or may lack others: marked by the gap loop, at once.</summary>
    private void Unheld(long timeUs)
    {
        var minute = timeUs / 60_000_000;
        lock (_unheld)
        {
            _unheld[minute] = _unheld.TryGetValue(minute, out var known) ? (Math.Min(known.FirstUs, timeUs), Math.Max(known.LastUs, timeUs)) : (timeUs, timeUs);
        }

        _gapSignal.Writer.TryWrite(true);
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

    private async Task DeliverAsync(CancellationToken cancellation)
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
            var report = await CallAsync(token => target.IngestAsync(_instrumentId, ticks, token), cancellation);
            counters.Delivered(report);
            if (report.TooOld + report.OutOfBounds > 0)
            {
                // The instrument refused some (a time past its clock's allowed skew, or before its retention); the report
                // does not say which, so the minutes of the whole batch are marked.
                LogRefused(logger, _instrumentId, report.TooOld + report.OutOfBounds, ticks.Length);
                await CallAsync(token => target.MarkIncompleteAsync(_instrumentId, ticks.Min(t => t.TimeUs), ticks.Max(t => t.TimeUs), token), cancellation);
            }
        }
    }

    /// <summary>
    /// A call to the instrument, retried until it is taken. An instrument whose definition its store lost (and PostgreSQL
    /// has none) is defined again from the venue's grids first, as nothing else would; one defined since with other grids
    /// stops the connector, which then skips it as at its start.
    /// </summary>
    private Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellation) =>
        retry.ExecuteAsync(
            async token =>
            {
                try
                {
                    return await call(token);
                }
                catch (InstrumentUndefinedException)
                {
                    var outcome = await target.DefineAsync(new InstrumentSpec(_instrumentId, instrument.TickSize.ToString(), instrument.QuantityStep.ToString()), token);
                    LogDefinedAgain(logger, _instrumentId, outcome);
                    if (outcome == DefineOutcome.Conflict)
                    {
                        throw new InstrumentGridsChangedException(_instrumentId);
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

    private async Task FillGapsAsync(CancellationToken cancellation)
    {
        await foreach (var _ in _gapSignal.Reader.ReadAllAsync(cancellation))
        {
            // At once: a venue's short history (Bybit's last 60 trades) must still reach back to the last trade held.
            if (_ids.TakeResume() is { } from)
            {
                if (_unansweredResumes.WaitLeft(ResumeKey(from), Environment.TickCount64) is { } left)
                {
                    _ids.ResumeAgain(from);
                    SignalAfter(left + TimeSpan.FromMilliseconds(20), cancellation);
                }
                else
                {
                    await ResumeAsync(from, cancellation);
                }
            }

            // At once too: an off-grid trade will not come on the grids later, so its minute is marked without waiting.
            await MarkUnheldAsync(cancellation);
            await Task.Delay(options.GapWait, cancellation);
            var gaps = _ids.Missing();
            TimeSpan? nextDue = null;
            foreach (var gap in gaps)
            {
                if (_unanswered.WaitLeft(gap, Environment.TickCount64) is { } left)
                {
                    nextDue = nextDue < left ? nextDue : left;
                }
                else
                {
                    await FillAsync(gap, cancellation);
                }
            }

            // A gap still waiting is come back for when it is due, whatever else signals meanwhile.
            if (nextDue is { } due)
            {
                SignalAfter(due + TimeSpan.FromMilliseconds(20), cancellation);
            }

            _unanswered.KeepOnly(_ids.Missing());
        }
    }

    /// <summary>
    /// A trade off the instrument's grids or past its queue cannot be delivered, so its minute lacks it: marked incomplete,
    /// one span per run of such minutes (a venue that changed its tick size sends nothing but such trades until the grids
    /// are set again).
    /// </summary>
    private async Task MarkUnheldAsync(CancellationToken cancellation)
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
            await CallAsync(token => target.MarkIncompleteAsync(_instrumentId, fromUs, toUs, token), cancellation);
            start = end + 1;
        }
    }

    /// <summary>
    /// Fetches one gap's trades. The ids still missing afterwards are given up and their minutes marked, unless the venue
    /// gave no answer: then they are marked at the first failure (their minutes may close meanwhile) and fetched again
    /// later, until the retry time is over. A fill after that leaves the mark, which is never taken back: a whole bar may be
    /// flagged, a partial one is never served as complete.
    /// </summary>
    private async Task FillAsync(MissingTrades gap, CancellationToken cancellation)
    {
        var fetched = 0;
        var answered = true;
        try
        {
            var range = await venue.GetTradesAsync(rest, symbol, gap.FromId - 1, gap.ToId + 1, options.MaxBackfillTrades, options, cancellation);
            foreach (var trade in range.Trades)
            {
                if (_ids.Fill(trade))
                {
                    await EnqueueFetchedAsync(trade, cancellation);
                    fetched++;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            LogBackfillFailed(logger, ex, _instrumentId, gap.FromId, gap.ToId);
            answered = false;
        }

        counters.Backfilled(fetched);
        var left = _ids.MissingWithin(gap);

        if (left.Count == 0)
        {
            return;
        }

        // Another connector (the B feed of an A/B pair) may have delivered them: minutes that are whole stay unmarked.
        var position = await CallAsync(token => target.GetPositionAsync(_instrumentId, token), cancellation);
        var held = left.Where(m => position.Holds(m.FromId, m.ToId)).ToList();
        if (held.Count > 0)
        {
            _ids.Forget(held.Contains);

            left.RemoveAll(held.Contains);
            LogHeldElsewhere(logger, _instrumentId, held.Count);
        }

        var (again, wait, first) = answered ? (false, TimeSpan.Zero, true) : _unanswered.Failed(gap, Environment.TickCount64);
        if (again)
        {
            foreach (var missing in first ? left : [])
            {
                await MarkSpanAsync(missing.AfterTimeUs, missing.BeforeTimeUs, cancellation);
            }

            SignalAfter(wait, cancellation);
            return;
        }

        _ids.Forget(m => m.FromId >= gap.FromId && m.ToId <= gap.ToId);

        foreach (var missing in left)
        {
            await MarkIncompleteAsync(missing.AfterTimeUs, missing.BeforeTimeUs, missing.Count, cancellation);
        }
    }

    private void SignalAfter(TimeSpan wait, CancellationToken cancellation) =>
        _ = Task.Delay(wait, cancellation).ContinueWith(_ => _gapSignal.Writer.TryWrite(true), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    /// <summary>
    /// Asks the venue for the trades after the last one held. With consecutive ids they are taken like live ones, so
    /// whatever stays missing is a gap like any other; without, what the venue cannot serve is marked here. A catch-up
    /// the venue gives no answer to marks the minutes since that trade at once and is tried again later (<see cref="ResumeFailedAsync"/>).
    /// </summary>
    private async Task ResumeAsync((long AfterId, long AfterTimeUs) from, CancellationToken cancellation)
    {
        // With consecutive ids, from the newest trade taken: whatever is missing before it is a gap already, fetched as
        // such, and paging from the older point would fetch again what the connection delivered, at the REST rate every
        // symbol shares.
        (long Id, long TimeUs) asked = venue.ContiguousTradeIds && _ids.Last is { } last && last.Id > from.AfterId ? last : (from.AfterId, from.AfterTimeUs);
        TradeRange range;
        try
        {
            range = await venue.GetTradesAsync(rest, symbol, asked.Id, null, options.MaxBackfillTrades, options, cancellation);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            LogBackfillFailed(logger, ex, _instrumentId, asked.Id + 1, long.MaxValue);
            await ResumeFailedAsync(from, asked.TimeUs, cancellation);
            return;
        }

        _unansweredResumes.KeepOnly([]);
        if (venue.ContiguousTradeIds)
        {
            await TakeCaughtUpAsync(range, cancellation);
            return;
        }

        foreach (var trade in range.Trades)
        {
            await EnqueueFetchedAsync(trade, cancellation);
        }

        counters.Backfilled(range.Trades.Count);
        if (!range.Whole)
        {
            // The venue's history does not reach back to the last trade held (or was cut short by the most asked for):
            // what is missing lies before the oldest trade it gave, or, with none, at any time until now.
            var beforeUs = range.Trades.Count > 0 ? range.Trades[0].TimeUs : LatestUs();
            await MarkIncompleteAsync(from.AfterTimeUs, beforeUs, 0, cancellation);
        }
    }

    /// <summary>
    /// A catch-up the venue gave no answer to: the trades after the one it asked after are unknown, and in a quiet market
    /// no live trade shows the gap before their minutes close, so those minutes, up to now, are marked at each failure (a
    /// drop meanwhile folds its own catch-up into this one); it is tried again after a doubling wait until the retry time
    /// is over. The mark is never taken back.
    /// </summary>
    private async Task ResumeFailedAsync((long AfterId, long AfterTimeUs) from, long askedAfterTimeUs, CancellationToken cancellation)
    {
        await MarkSpanAsync(askedAfterTimeUs, LatestUs(), cancellation);
        var (again, wait, _) = _unansweredResumes.Failed(ResumeKey(from), Environment.TickCount64);
        if (again)
        {
            _ids.ResumeAgain(from);
            SignalAfter(wait, cancellation);
        }
        else
        {
            // Given up: the next drop's catch-up starts a clock of its own.
            LogCatchUpGivenUp(logger, _instrumentId, from.AfterId);
            _unansweredResumes.KeepOnly([]);
        }
    }

    /// <summary>A catch-up, keyed as the gap of every id after the trade it starts from, for its retry clock.</summary>
    private static MissingTrades ResumeKey((long AfterId, long AfterTimeUs) from) => new(from.AfterId + 1, long.MaxValue, from.AfterTimeUs, long.MinValue);

    /// <summary>Now, or the last trade's time if the venue's clock is ahead, in Unix microseconds.</summary>
    private long LatestUs() => Math.Max(clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000, _ids.LastTimeUs);

    private async Task TakeCaughtUpAsync(TradeRange range, CancellationToken cancellation)
    {
        var taken = 0;
        foreach (var trade in range.Trades)
        {
            var accepted = _ids.Accept(trade, out var gap);
            if (gap)
            {
                _gapSignal.Writer.TryWrite(true);
            }

            if (accepted)
            {
                await EnqueueFetchedAsync(trade, cancellation);
                taken++;
            }
        }

        counters.Backfilled(taken);
    }

    /// <summary>Gives missed trades up: counted, logged, and the minutes between their neighbours marked.</summary>
    private async Task MarkIncompleteAsync(long afterTimeUs, long beforeTimeUs, long trades, CancellationToken cancellation)
    {
        counters.Unfilled(trades);
        LogUnfilled(logger, _instrumentId, trades, afterTimeUs, beforeTimeUs);
        await MarkSpanAsync(afterTimeUs, beforeTimeUs, cancellation);
    }

    /// <summary>Marks the minutes from <paramref name="afterTimeUs"/> to <paramref name="beforeTimeUs"/>; with one unknown, the other's alone.</summary>
    private async Task MarkSpanAsync(long afterTimeUs, long beforeTimeUs, CancellationToken cancellation)
    {
        var (fromUs, toUs) = (afterTimeUs == long.MinValue ? beforeTimeUs : afterTimeUs, beforeTimeUs == long.MinValue ? afterTimeUs : beforeTimeUs);
        if (fromUs != long.MinValue)
        {
            await CallAsync(token => target.MarkIncompleteAsync(_instrumentId, fromUs, toUs, token), cancellation);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instrument} had lost its definition and was defined again from the venue's grids: {Outcome}")]
    private static partial void LogDefinedAgain(ILogger logger, string instrument, DefineOutcome outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Instrument}: {Count} missed range(s) the venue no longer serves are held already, delivered by another connector")]
    private static partial void LogHeldElsewhere(ILogger logger, string instrument, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instrument}: trade {TradeId} ({Price} x {Quantity}) is off the instrument's grids and was skipped")]
    private static partial void LogOffGrid(ILogger logger, string instrument, long tradeId, string price, string quantity);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Instrument}: trade {TradeId} is the first it holds; the trades before it were not followed, so its minute is marked incomplete")]
    private static partial void LogFirstTrade(ILogger logger, string instrument, long tradeId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Instrument}: {Max} trades wait for the instrument to take them; later ones are given up and their minutes marked incomplete until it takes some")]
    private static partial void LogQueueFull(ILogger logger, string instrument, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instrument} refused {Refused} of {Count} ticks (out of its time bounds); the batch's minutes are marked incomplete")]
    private static partial void LogRefused(ILogger logger, string instrument, int refused, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instrument}: the catch-up after trade {AfterId} got no answer for the whole retry time and is given up; its minutes, up to its last try, are marked incomplete")]
    private static partial void LogCatchUpGivenUp(ILogger logger, string instrument, long afterId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instrument}: could not fetch trades {FromId}..{ToId} over REST")]
    private static partial void LogBackfillFailed(ILogger logger, Exception exception, string instrument, long fromId, long toId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instrument}: {Trades} missed trade(s) cannot be fetched; the minutes from {FromUs} to {ToUs} (µs) are marked incomplete")]
    private static partial void LogUnfilled(ILogger logger, string instrument, long trades, long fromUs, long toUs);
}
