using System.Threading.Channels;
using Candles.Abstractions.Wire;
using Candles.Core.Instruments;
using Microsoft.Extensions.Logging;
using Polly;

namespace Candles.Ingest.Feeds;

/// <summary>
/// One instrument of a connector: drops repeats by the trade ids it has taken (<see cref="TradeIdLedger"/>) and hands the
/// rest to the instrument (<see cref="InstrumentOutlet"/>). Ids that a venue
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
    private readonly InstrumentOutlet _outlet = new(options, instrument, target, counters, retry, logger);
    private readonly Channel<bool> _gapSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private readonly UnansweredGaps _unanswered = new(options.GapWait > MinRetryWait ? options.GapWait : MinRetryWait, options.BackfillRetryFor);
    private readonly UnansweredGaps _unansweredResumes = new(options.GapWait > MinRetryWait ? options.GapWait : MinRetryWait, options.BackfillRetryFor);

    // 1 until the first trade of an instrument that held none when the feed started.
    private int _firstUnseen;

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
    public Task RunAsync(CancellationToken cancellation) => Together.RunAsync([_outlet.DeliverAsync, FillGapsAsync], cancellation);

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
            LogFirstTrade(logger, _outlet.InstrumentId, trade.TradeId);
            _outlet.Unheld(trade.TimeUs);
            _gapSignal.Writer.TryWrite(true);
        }

        // One that cannot go in (off the grids, past the queue) has its minute marked by the gap loop, at once.
        if (!_outlet.Enqueue(trade))
        {
            _gapSignal.Writer.TryWrite(true);
        }
    }

    /// <summary>
    /// The venue's newest trade id, with the time it said so: ids up to it not taken yet are missing, fetched after the gap
    /// wait like any gap (a match on its way fills them meanwhile).
    /// </summary>
    public void VenueLastTrade(long tradeId, long timeUs)
    {
        if (_ids.Announced(tradeId, timeUs))
        {
            _gapSignal.Writer.TryWrite(true);
        }
    }

    /// <summary>A fetched trade, queued; one that cannot go in has its minute marked by the gap loop's next round.</summary>
    private async Task EnqueueFetchedAsync(VenueTrade trade, CancellationToken cancellation)
    {
        if (!await _outlet.EnqueueFetchedAsync(trade, cancellation))
        {
            _gapSignal.Writer.TryWrite(true);
        }
    }

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
            await _outlet.MarkUnheldAsync(cancellation);
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
            LogBackfillFailed(logger, ex, _outlet.InstrumentId, gap.FromId, gap.ToId);
            answered = false;
        }

        counters.Backfilled(fetched);
        var left = _ids.MissingWithin(gap);

        if (left.Count == 0)
        {
            return;
        }

        // Another connector (the B feed of an A/B pair) may have delivered them: minutes that are whole stay unmarked.
        var position = await _outlet.CallAsync(token => target.GetPositionAsync(_outlet.InstrumentId, token), cancellation);
        var held = left.Where(m => position.Holds(m.FromId, m.ToId)).ToList();
        if (held.Count > 0)
        {
            _ids.Forget(held.Contains);

            left.RemoveAll(held.Contains);
            LogHeldElsewhere(logger, _outlet.InstrumentId, held.Count);
        }

        var (again, wait, first) = answered ? (false, TimeSpan.Zero, true) : _unanswered.Failed(gap, Environment.TickCount64);
        if (again)
        {
            foreach (var missing in first ? left : [])
            {
                await _outlet.MarkSpanAsync(missing.AfterTimeUs, missing.BeforeTimeUs, cancellation);
            }

            SignalAfter(wait, cancellation);
            return;
        }

        _ids.Forget(m => m.FromId >= gap.FromId && m.ToId <= gap.ToId);

        foreach (var missing in left)
        {
            await _outlet.MarkIncompleteAsync(missing.AfterTimeUs, missing.BeforeTimeUs, missing.Count, cancellation);
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
            LogBackfillFailed(logger, ex, _outlet.InstrumentId, asked.Id + 1, long.MaxValue);
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
            await _outlet.MarkIncompleteAsync(from.AfterTimeUs, beforeUs, 0, cancellation);
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
        await _outlet.MarkSpanAsync(askedAfterTimeUs, LatestUs(), cancellation);
        var (again, wait, _) = _unansweredResumes.Failed(ResumeKey(from), Environment.TickCount64);
        if (again)
        {
            _ids.ResumeAgain(from);
            SignalAfter(wait, cancellation);
        }
        else
        {
            // Given up: the next drop's catch-up starts a clock of its own.
            LogCatchUpGivenUp(logger, _outlet.InstrumentId, from.AfterId);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "{Instrument}: {Count} missed range(s) the venue no longer serves are held already, delivered by another connector")]
    private static partial void LogHeldElsewhere(ILogger logger, string instrument, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Instrument}: trade {TradeId} is the first it holds; the trades before it were not followed, so its minute is marked incomplete")]
    private static partial void LogFirstTrade(ILogger logger, string instrument, long tradeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instrument}: the catch-up after trade {AfterId} got no answer for the whole retry time and is given up; its minutes, up to its last try, are marked incomplete")]
    private static partial void LogCatchUpGivenUp(ILogger logger, string instrument, long afterId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instrument}: could not fetch trades {FromId}..{ToId} over REST")]
    private static partial void LogBackfillFailed(ILogger logger, Exception exception, string instrument, long fromId, long toId);

}
