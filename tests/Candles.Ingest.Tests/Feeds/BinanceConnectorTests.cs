using Candles.Abstractions.Wire;
using Candles.Core.Ticks;
using Candles.Ingest.Feeds;
using Candles.Ingest.Feeds.Binance;
using Candles.Testing.FakeVenues;

using static Candles.Ingest.Tests.Feeds.FeedHarness;

namespace Candles.Ingest.Tests.Feeds;

/// <summary>The Binance connector against a fake Binance on loopback speaking the documented wire format.</summary>
public sealed class BinanceConnectorTests : IAsyncLifetime
{
    private const string Symbol = "BTCUSDT";
    private const long FirstId = 5_000_001;
    private const long StartUs = 1_772_150_400_000_000;

    private FakeBinance _venue = new();
    private readonly RecordingTarget _target = new() { FirstTradeUs = Trades(0, 1)[0].TimeUs };
    private readonly long _testStartedUs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    public async Task InitializeAsync() => await StartVenueAsync(new FakeBinance());

    private async Task StartVenueAsync(FakeBinance venue)
    {
        _venue = venue;
        _venue.Listed[Symbol] = ("0.01000000", "0.00001000");
        await _venue.StartAsync();
    }

    public async Task DisposeAsync() => await _venue.DisposeAsync();

    /// <summary>Trades <paramref name="from"/>..<paramref name="from"/>+count-1 (offsets from the first id), 10 ms apart, alternating sides.</summary>
    private static List<FakeTrade> Trades(int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => new FakeTrade(Symbol, FirstId + i, StartUs + (i * 10_000L) + 7, $"65{i % 1000:000}.{i % 100:00}", $"0.{i % 90 + 10:00}123", i % 3 != 0))];

    private FeedHarness Connect(Action<VenueFeedOptions>? configure = null) => new(new BinanceVenue(), _venue, _target, [Symbol], configure);

    [Fact]
    public async Task DefinesTheInstrumentFromExchangeInfoAndDeliversEveryTradeOnItsGrids()
    {
        await using var feed = Connect();
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never subscribed");
        var trades = Trades(0, 500);
        await _venue.PublishAsync(trades);

        Assert.True(await UntilAsync(() => _target.Count == 500), $"{_target.Count} of 500 ticks arrived");
        Assert.Equal(new InstrumentSpec("BINANCE:BTCUSDT", "0.01", "0.00001"), _target.Defined["BINANCE:BTCUSDT"]);
        var byId = _target.Ticks.ToDictionary(t => t.TradeId);
        foreach (var trade in trades)
        {
            var tick = byId[trade.Id];
            Assert.Equal(trade.TimeUs, tick.TimeUs);
            Assert.Equal(decimal.Parse(trade.Price, System.Globalization.CultureInfo.InvariantCulture) * 100, tick.Price);
            Assert.Equal(decimal.Parse(trade.Quantity, System.Globalization.CultureInfo.InvariantCulture) * 100_000, tick.Quantity);

            // m: true (the buyer was the maker) means the aggressor sold.
            Assert.Equal(trade.TakerBuys ? AggressorSide.Buy : AggressorSide.Sell, tick.Side);
        }

        var status = feed.Connector.Counters.Snapshot();
        Assert.Equal((500, 0, 0, 0), (status.Trades, status.Backfilled, status.Drops, status.Malformed));

        // The instrument held no trade: the trades before the first one were not followed, so its minute (and the day,
        // week and month holding it) may lack some, and is marked; nothing else is.
        Assert.True(await UntilAsync(() => _target.FirstTradeMarks == 1), "the first trade's minute was not marked");
        Assert.Empty(_target.Incomplete);
    }

    [Fact]
    public async Task FetchedTradesWaitForRoomInTheQueueRatherThanBeingGivenUp()
    {
        // A reconnect's catch-up brings 50 trades while the instrument refuses its next calls, and the queue holds five:
        // the gap loop can wait for the instrument, so none of them is given up.
        await using var feed = Connect(o => (o.BatchSize, o.MaxQueuedTicks) = (5, 5));
        await TradeThenDropAsync(3);
        _venue.Happen(Trades(3, 50));
        _target.Refuse(3);

        Assert.True(await UntilAsync(() => _target.Count == 53, TimeSpan.FromSeconds(30)), $"{_target.Count} of 53 ticks arrived, {feed.Connector.Counters.Snapshot().Unfilled} given up");
        Assert.Equal(0, feed.Connector.Counters.Snapshot().Unfilled);
        Assert.Empty(_target.Incomplete);
    }

    [Fact]
    public async Task TicksTheInstrumentRefusesHaveTheirMinutesMarkedIncomplete()
    {
        // The instrument's clock is behind the venue's: it refuses trades 5..9 as past its allowed skew, and their minutes
        // form without them.
        _target.OutOfBoundsFromUs = Trades(5, 1)[0].TimeUs;
        await using var feed = Connect();
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never subscribed");
        await _venue.PublishAsync(Trades(0, 10));

        Assert.True(await UntilAsync(() => feed.Connector.Counters.Snapshot().Refused == 5), $"{feed.Connector.Counters.Snapshot().Refused} of 5 refused");
        foreach (var refused in Trades(5, 5))
        {
            Assert.True(
                await UntilAsync(() => _target.Incomplete.Any(m => m.FromUs <= refused.TimeUs && refused.TimeUs <= m.ToUs)),
                $"trade {refused.Id}'s minute was not marked: {string.Join(' ', _target.Incomplete)}");
        }

        Assert.Equal(5, _target.Count);
    }

    [Fact]
    public async Task TradesPastAFullQueueAreGivenUpAndTheirMinutesMarkedRatherThanHeldWithoutEnd()
    {
        // The instrument takes nothing for a while (its store down): the feed holds at most five trades for it besides the
        // batch it is retrying, and gives the rest up, marked, instead of growing until the silo runs out of memory.
        _target.Refuse(4);
        await using var feed = Connect(o => (o.BatchSize, o.MaxQueuedTicks) = (5, 5));
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never subscribed");
        var trades = Trades(0, 100);
        await _venue.PublishAsync(trades);

        Assert.True(
            await UntilAsync(() => _target.Count + feed.Connector.Counters.Snapshot().Unfilled == 100, TimeSpan.FromSeconds(30)),
            $"{_target.Count} taken and {feed.Connector.Counters.Snapshot().Unfilled} given up of 100");
        Assert.InRange(_target.Count, 2, 10);
        Assert.True(
            await UntilAsync(() => _target.Incomplete.Any(m => m.FromUs <= trades[^1].TimeUs && trades[^1].TimeUs <= m.ToUs)),
            $"the last trade's minute was not marked: {string.Join(' ', _target.Incomplete)}");
    }

    [Fact]
    public async Task AnswersTheVenuesPingsAndKeepsItsConnection()
    {
        await _venue.DisposeAsync();
        await StartVenueAsync(new FakeBinance { ServerPingInterval = TimeSpan.FromMilliseconds(200), ServerPingTimeout = TimeSpan.FromSeconds(1.5) });
        await using var feed = Connect();
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never subscribed");

        // 25 ping rounds: a connection that did not answer would be aborted within 1.7 s (a busy machine may stall the
        // answer for a moment, so the venue here waits longer than the interval).
        await Task.Delay(TimeSpan.FromSeconds(5));
        await _venue.PublishAsync(Trades(0, 10));

        Assert.True(await UntilAsync(() => _target.Count == 10), $"{_target.Count} of 10 ticks arrived");
        Assert.Equal(1, _venue.Connections);
        Assert.Equal(0, feed.Connector.Counters.Snapshot().Drops);
    }

    /// <summary>Once subscribed, the first <paramref name="count"/> trades go out live and arrive; then every connection is cut.</summary>
    private async Task TradeThenDropAsync(int count)
    {
        await FirstTradesAsync(count);
        _venue.DropAll();
    }

    /// <summary>Once subscribed, trades 0..count-1 happen and arrive.</summary>
    private async Task FirstTradesAsync(int count)
    {
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never subscribed");
        await _venue.PublishAsync(Trades(0, count));
        Assert.True(await UntilAsync(() => _target.Count == count), $"{_target.Count} of the first {count} trades arrived");
    }

    [Fact]
    public async Task AfterADropItReconnectsAndFetchesTheMissedTradesByIdLosingNothing()
    {
        await using var feed = Connect();
        await TradeThenDropAsync(300);
        _venue.Happen(Trades(300, 2_500));
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never reconnected");

        // The catch-up once the new connection has lasted its probation fetches them; live trades wait for it, else a
        // late catch-up fetches some of those too and the pages are not the three below.
        Assert.True(await UntilAsync(() => feed.Connector.Counters.Snapshot().Backfilled >= 2_500), $"{feed.Connector.Counters.Snapshot().Backfilled} of 2500 backfilled");
        await _venue.PublishAsync(Trades(2_800, 200));

        Assert.True(await UntilAsync(() => _target.Count == 3_000), $"{_target.Count} of 3000 ticks arrived");
        Assert.Equal(Enumerable.Range(0, 3_000).Select(i => FirstId + i), _target.Ticks.Select(t => t.TradeId).Order());
        var status = feed.Connector.Counters.Snapshot();
        Assert.Equal((2_500L, 0L, 1L), (status.Backfilled, status.Unfilled, status.Drops));
        Assert.Empty(_target.Incomplete);

        // Three pages of at most 1000 from the first missing id.
        Assert.Equal(3, _venue.RestCalls["/api/v3/historicalTrades"]);
    }

    [Theory]
    [InlineData("65003.005", null)]
    [InlineData("0.00", null)]
    [InlineData(null, "0")]
    [InlineData("100000000000.00", "100000000000.00000")]
    public async Task ATradeOffTheInstrumentsGridsOrOfNothingIsSkippedAndItsMinuteMarkedIncomplete(string? price, string? quantity)
    {
        // Trade 3's price has a third decimal where the tick is 0.01, or it is at no price or of no quantity, or its
        // price × quantity (10^13 ticks × 10^16 steps) is past what a bar sums: it cannot be a tick, so its minute lacks it.
        await using var feed = Connect();
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never subscribed");
        var trades = Trades(0, 10);
        trades[3] = trades[3] with { Price = price ?? trades[3].Price, Quantity = quantity ?? trades[3].Quantity };

        // The first trade's own mark (the instrument held none) is made before, so that it is not merged with trade 3's.
        await _venue.PublishAsync(trades[..1]);
        Assert.True(await UntilAsync(() => _target.FirstTradeMarks == 1), "the first trade's minute was not marked");
        await _venue.PublishAsync(trades[1..]);

        Assert.True(await UntilAsync(() => !_target.Incomplete.IsEmpty), "no span was marked incomplete");
        Assert.Equal(("BINANCE:BTCUSDT", trades[3].TimeUs, trades[3].TimeUs), Assert.Single(_target.Incomplete));
        Assert.True(await UntilAsync(() => _target.Count == 9), $"{_target.Count} of 9 ticks arrived");
        Assert.Equal(1, feed.Connector.Counters.Snapshot().OffGrid);
    }

    [Fact]
    public async Task ASymbolWhoseGridIsNoIncrementIsLeftOutAndTheOthersAreFollowed()
    {
        // Binance gives 0 for a filter it turned off: ETHUSDT has no tick, so only it is not followed.
        _venue.Listed["ETHUSDT"] = ("0.00000000", "0.00010000");
        await using var feed = new FeedHarness(new BinanceVenue(), _venue, _target, [Symbol, "ETHUSDT"]);
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never subscribed");
        await _venue.PublishAsync(Trades(0, 10));

        Assert.True(await UntilAsync(() => _target.Count == 10), $"{_target.Count} of 10 ticks arrived");
        Assert.Equal(["BINANCE:BTCUSDT"], _target.Defined.Keys);
    }

    [Fact]
    public async Task AConnectionTheVenueNeverAnswersIsOpenedAgain()
    {
        // The first connection is accepted but its subscription never confirmed: it times out and another is opened.
        _venue.SilentConnections = 1;
        await using var feed = Connect(o => o.ResponseTimeout = TimeSpan.FromSeconds(2));
        await FirstTradesAsync(10);
        Assert.Equal(0, _venue.SilentConnections);
        Assert.True(_venue.Connections >= 2, $"{_venue.Connections} connections");
    }

    [Fact]
    public async Task AnInstrumentThatLostItsDefinitionIsDefinedAgainAndGetsEveryTrade()
    {
        await using var feed = Connect();
        await FirstTradesAsync(100);

        // Its Redis lost the definition (and PostgreSQL has none): every batch is refused until the connector defines it.
        _target.LoseDefinition("BINANCE:BTCUSDT");
        await _venue.PublishAsync(Trades(100, 100));
        Assert.True(await UntilAsync(() => _target.Count == 200), $"{_target.Count} of 200 ticks arrived");
        Assert.Equal(new InstrumentSpec("BINANCE:BTCUSDT", "0.01", "0.00001"), _target.Defined["BINANCE:BTCUSDT"]);
    }

    [Fact]
    public async Task AGapIsFetchedAgainWhileTheVenueGivesNoAnswerAndFilledOnceItDoes()
    {
        // The venue answers the first four trade requests with 503: the gap is fetched again, not given up, and filled.
        // Its minutes are marked at the first failure all the same (they may close meanwhile), and stay marked.
        await using var feed = Connect();
        await GapWhileTheVenueFailsAsync(4);

        Assert.True(await UntilAsync(() => _target.Count == 160, TimeSpan.FromSeconds(30)), $"{_target.Count} of 160 ticks arrived");
        Assert.Equal(0, _venue.TradeRequestFailures);
        Assert.Equal(0, feed.Connector.Counters.Snapshot().Unfilled);
        AssertMarkedTheGapAndSinceTheLastTradeHeld();
    }

    [Fact]
    public async Task AGapTheVenueGivesNoAnswerForIsMarkedAtOnceAndGivenUpOnceTheRetryTimeIsOver()
    {
        await using var feed = Connect(o => o.BackfillRetryFor = TimeSpan.FromSeconds(3));
        await GapWhileTheVenueFailsAsync(int.MaxValue);

        // Marked at the first failure, but not given up: fetched again, with waits, until the three seconds are over.
        Assert.True(await UntilAsync(() => !_target.Incomplete.IsEmpty, TimeSpan.FromSeconds(30)), "no span was marked incomplete");
        var markedAt = _target.FirstMarkedAtMs;
        Assert.Equal(0, feed.Connector.Counters.Snapshot().Unfilled);
        Assert.True(await UntilAsync(() => feed.Connector.Counters.Snapshot().Unfilled == 50, TimeSpan.FromSeconds(30)), "the gap was never given up");
        Assert.True(Environment.TickCount64 - markedAt >= 2_000, $"given up {Environment.TickCount64 - markedAt} ms after the first failure");
        Assert.True(_venue.RestCalls["/api/v3/historicalTrades"] >= 4, $"{_venue.RestCalls["/api/v3/historicalTrades"]} trade requests");
        AssertMarkedTheGapAndSinceTheLastTradeHeld();
        Assert.Equal(110, _target.Count);
    }

    /// <summary>
    /// The gap the live trades showed (100..149), between its neighbours; and, for each failure of the reconnect's catch-up,
    /// the minutes from the trade it asked after (99, or 159 once the live trades were in) until it failed, as no live
    /// trade might have shown the gap.
    /// </summary>
    private void AssertMarkedTheGapAndSinceTheLastTradeHeld()
    {
        var marks = _target.Incomplete.Distinct().ToList();
        Assert.Contains(("BINANCE:BTCUSDT", Trades(99, 1)[0].TimeUs, Trades(150, 1)[0].TimeUs), marks);
        var catchUps = marks.Where(m => m.ToUs >= _testStartedUs).ToList();
        Assert.NotEmpty(catchUps);
        Assert.All(catchUps, m => Assert.Contains(m.FromUs, new[] { Trades(99, 1)[0].TimeUs, Trades(159, 1)[0].TimeUs }));
        Assert.Equal(marks.Count, catchUps.Count + 1);
    }

    /// <summary>Trades 0..99 arrive, the connection drops, 100..149 happen meanwhile, and the venue fails the next trade requests.</summary>
    private async Task GapWhileTheVenueFailsAsync(int failures)
    {
        await TradeThenDropAsync(100);
        _venue.Happen(Trades(100, 50));
        _venue.TradeRequestFailures = failures;
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never reconnected");
        await _venue.PublishAsync(Trades(150, 10));
    }

    [Fact]
    public async Task AnInstrumentDefinedAgainWithOtherGridsStopsTheConnector()
    {
        await using var feed = Connect();
        await FirstTradesAsync(10);

        // Lost, then defined by someone else with a tick ten times coarser: these trades would be read on the wrong grid.
        _target.RedefinedElsewhere(new InstrumentSpec("BINANCE:BTCUSDT", "0.1", "0.00001"));
        await _venue.PublishAsync(Trades(10, 10));
        await Assert.ThrowsAsync<InstrumentGridsChangedException>(() => feed.Running.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(10, _target.Count);
    }

    [Fact]
    public async Task TradesTheVenueNoLongerServesAreMarkedIncompleteBetweenTheirNeighbours()
    {
        await using var feed = Connect();
        await TradeThenDropAsync(100);
        _venue.Happen(Trades(100, 50));
        _venue.RestFloorId = FirstId + 130;
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never reconnected");
        await _venue.PublishAsync(Trades(150, 100));

        Assert.True(await UntilAsync(() => !_target.Incomplete.IsEmpty), "no span was marked incomplete");
        Assert.True(await UntilAsync(() => _target.Count == 220), $"{_target.Count} of 220 ticks arrived");

        // Ids 100..129 are gone: between trade 99 and trade 130, which REST still had.
        var span = Assert.Single(_target.Incomplete);
        Assert.Equal(("BINANCE:BTCUSDT", Trades(99, 1)[0].TimeUs, Trades(130, 1)[0].TimeUs), span);
        Assert.Equal(30, feed.Connector.Counters.Snapshot().Unfilled);
    }

    [Fact]
    public async Task AReconnectsCatchUpStartsAfterTheNewestTradeTakenNotWhereTheConnectionDropped()
    {
        // The new connection's first trade shows 100..2599 missing before its probation ends: the gap's fetch pages
        // through them, and the catch-up due then asks only for what came after that trade, not for them again.
        await using var feed = Connect();
        await TradeThenDropAsync(100);
        _venue.Happen(Trades(100, 2_500));
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never reconnected");
        await _venue.PublishAsync(Trades(2_600, 1));

        Assert.True(await UntilAsync(() => _target.Count == 2_601), $"{_target.Count} of 2601 ticks arrived");
        await Task.Delay(TimeSpan.FromSeconds(2));

        // Three pages for the gap, one for the catch-up; from where it dropped, the catch-up would page three times again.
        // (A machine slow enough to let the probation end before the live trade makes it the catch-up's three pages.)
        Assert.InRange(_venue.RestCalls["/api/v3/historicalTrades"], 3, 4);
        Assert.Equal(0, _target.Duplicates);
    }

    [Fact]
    public async Task TradesTheVenueNoLongerServesButAnotherFeedDeliveredAreNotMarkedIncomplete()
    {
        // The other connector of an A/B pair stayed connected: the instrument holds what this one missed.
        _target.PositionFromTicks = true;
        await using var feed = Connect();
        await TradeThenDropAsync(100);
        _venue.Happen(Trades(100, 50));
        _target.Seed(Trades(100, 50).Select(t => new Tick(t.Id, t.TimeUs, 1, 1, AggressorSide.Buy)));
        _venue.RestFloorId = FirstId + 130;
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never reconnected");
        await _venue.PublishAsync(Trades(150, 100));

        Assert.True(await UntilAsync(() => _target.Count == 250), $"{_target.Count} of 250 ticks arrived");
        Assert.True(await UntilAsync(() => feed.Connector.Counters.Snapshot().Backfilled >= 20), "the ids REST still had were not fetched");

        // The live trades showed the gap before the reconnect's catch-up was due, so the missing ids' own fetch is the one
        // asked; without the other feed they would be marked right after it.
        Assert.True(await UntilAsync(() => _venue.RestCalls.GetValueOrDefault("/api/v3/historicalTrades") >= 1), "the missing ids were never asked for");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(_target.Incomplete);
        Assert.Equal(0, feed.Connector.Counters.Snapshot().Unfilled);
    }

    [Fact]
    public async Task MalformedAndUnknownMessagesAreCountedAndTheConnectionSurvives()
    {
        await using var feed = Connect();
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never subscribed");
        await _venue.SendRawAsync("not json at all");
        await _venue.SendRawAsync("""{"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT","t":1,"p":"1.00"}}""");
        await _venue.SendRawAsync("""{"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT","t":"x","p":"1.00","q":"1","T":1,"m":true}}""");
        await _venue.SendRawAsync("""{"stream":"btcusdt@depth","data":{"e":"depthUpdate","s":"BTCUSDT"}}""");
        await _venue.SendRawAsync("""{"stream":"ethusdt@trade","data":{"e":"trade","s":"ETHUSDT","t":7,"p":"1.00","q":"1","T":1672304486865000,"m":true}}""");
        await _venue.PublishAsync(Trades(0, 10));

        Assert.True(await UntilAsync(() => _target.Count == 10), $"{_target.Count} of 10 ticks arrived");
        var status = feed.Connector.Counters.Snapshot();
        Assert.Equal((3L, 2L, 0L, 0L, 1), (status.Malformed, status.Unknown, status.VenueErrors, status.Drops, _venue.Connections));
    }

    [Fact]
    public async Task AnErrorFromTheVenueOnALiveConnectionReplacesItAndCatchesUpWhatItDidNotBring()
    {
        // An error answers a request of ours the venue refused: which streams it still sends is not known. Trades 10..19
        // happen that the connection does not bring; kept open, nothing would show them missing before the next live trade.
        await using var feed = Connect();
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never subscribed");
        await _venue.PublishAsync(Trades(0, 10));
        Assert.True(await UntilAsync(() => _target.Count == 10), $"{_target.Count} of 10 ticks arrived");
        _venue.Happen(Trades(10, 10));
        await _venue.SendRawAsync("""{"error":{"code":2,"msg":"Invalid request"},"id":9}""");

        Assert.True(await UntilAsync(() => _target.Count == 20), $"{_target.Count} of 20 ticks arrived: the connection was not replaced");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => FirstId + i), _target.Ticks.Select(t => t.TradeId).Order());
        var status = feed.Connector.Counters.Snapshot();
        Assert.Equal((1L, 0L, 1L, 2), (status.VenueErrors, status.Drops, status.Rollovers, _venue.Connections));
        Assert.Empty(_target.Incomplete);
    }

    [Fact]
    public async Task AConnectionIsReplacedBeforeTheVenueCutsItWithNoGapAndNoRepeat()
    {
        await using var feed = Connect(o => o.ConnectionLifetime = TimeSpan.FromMilliseconds(700));
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never subscribed");
        for (var i = 0; i < 30; i++)
        {
            await _venue.PublishAsync(Trades(i * 20, 20));
            await Task.Delay(100);
        }

        Assert.True(await UntilAsync(() => _target.Count == 600), $"{_target.Count} of 600 ticks arrived");

        // Stopped first: a replacement the venue has accepted is counted as a rollover only once confirmed, and one may
        // be under way when stopped, so one connection more than the rollovers may have been opened; a leak is more.
        await feed.StopAsync();
        var status = feed.Connector.Counters.Snapshot();
        Assert.True(status.Rollovers >= 2, $"{status.Rollovers} rollovers");
        Assert.Equal((0L, 0L, 0), (status.Backfilled, status.Drops, _target.Duplicates));
        Assert.InRange(_venue.Connections, status.Rollovers + 1, status.Rollovers + 2);
    }

    [Fact]
    public async Task TwoConnectorsFeedingOneInstrumentLoseNothingWhenOneStops()
    {
        var a = Connect();
        await using var b = Connect();
        Assert.True(await UntilAsync(() => _venue.Subscribed == 2), "both never subscribed");
        await _venue.PublishAsync(Trades(0, 400));
        Assert.True(await UntilAsync(() => _target.Count == 400), "the first trades never arrived");

        // Both delivered the first 400 (the instrument dropped the second copy by trade id) before one of them stops.
        Assert.True(await UntilAsync(() => _target.Duplicates == 400), $"{_target.Duplicates} of 400 second copies arrived: not both connectors delivered");
        await a.DisposeAsync();
        await _venue.PublishAsync(Trades(400, 400));

        Assert.True(await UntilAsync(() => _target.Count == 800), $"{_target.Count} of 800 ticks arrived");
        Assert.Equal(Enumerable.Range(0, 800).Select(i => FirstId + i), _target.Ticks.Select(t => t.TradeId).Order());
    }

    [Fact]
    public async Task AnInstrumentThatCannotTakeTicksNowGetsThemAgainUntilItDoes()
    {
        _target.Refuse(3);
        await using var feed = Connect();
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never subscribed");
        await _venue.PublishAsync(Trades(0, 50));

        Assert.True(await UntilAsync(() => _target.Count == 50), $"{_target.Count} of 50 ticks arrived");
        Assert.True(_target.Calls >= 4, $"{_target.Calls} calls");
    }

    [Fact]
    public async Task ResumingFurtherBackThanOneBackfillWhileLiveTradesArriveLosesNothing()
    {
        // The connector's earlier process died at trade 999 and 15,000 trades happened before this one came up: more than
        // one backfill of 10,000, so the catch-up and the fill of the gap the first live trade shows must add up.
        _target.Seed(Trades(0, 1000).Select(t => new Tick(t.Id, t.TimeUs, 1, 1, AggressorSide.Buy)));
        _target.Position = new FeedPosition([FirstId], [FirstId + 999], Trades(999, 1)[0].TimeUs);
        _venue.Happen(Trades(1000, 15_000));
        await using var feed = Connect(o => o.MaxBackfillTrades = 10_000);
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never subscribed");
        await _venue.PublishAsync(Trades(16_000, 2000));

        Assert.True(await UntilAsync(() => _target.Count == 18_000, TimeSpan.FromSeconds(60)), $"{_target.Count} of 18000 ticks arrived; marked {string.Join(' ', _target.Incomplete)}");
        Assert.Empty(_target.Incomplete);
    }

    [Fact]
    public async Task ItResumesWhereTheInstrumentIsAndFillsTheHolesAnEarlierConnectorLeft()
    {
        // The instrument holds ids 0..99 and 110..199: a connector died before fetching 100..109.
        var held = Trades(0, 100).Concat(Trades(110, 90)).ToList();
        _target.Seed(held.Select(t => new Tick(t.Id, t.TimeUs, 1, 1, AggressorSide.Buy)));
        _target.Position = new FeedPosition([FirstId, FirstId + 110], [FirstId + 99, FirstId + 199], Trades(199, 1)[0].TimeUs);
        _venue.Happen(Trades(0, 250));

        await using var feed = Connect();
        Assert.True(await UntilAsync(() => _venue.Subscribed == 1), "never subscribed");

        // 200..249 happened while no connector ran: the catch-up from the instrument's last trade fetches them, and the
        // hole 100..109 is fetched too, before live trades come (else the catch-up may fetch those as well).
        Assert.True(await UntilAsync(() => feed.Connector.Counters.Snapshot().Backfilled >= 60), $"{feed.Connector.Counters.Snapshot().Backfilled} of 60 backfilled");
        await _venue.PublishAsync(Trades(250, 10));
        Assert.True(await UntilAsync(() => _target.Count == 260), $"{_target.Count} of 260 ticks arrived");
        Assert.Equal(60, feed.Connector.Counters.Snapshot().Backfilled);
        Assert.Equal(0, _target.Duplicates);
    }

    [Fact]
    public async Task HolesAnEarlierConnectorLeftThatTheVenueNoLongerServesAreMarkedIncompleteBetweenTheirNeighbours()
    {
        // The instrument holds ids 0..99 and 110..199, and knows when its ranges' edge trades happened; REST serves ids
        // from 110 on only, so 100..109 are gone: marked between trade 99 and trade 110, not given up unmarked.
        var held = Trades(0, 100).Concat(Trades(110, 90)).ToList();
        _target.Seed(held.Select(t => new Tick(t.Id, t.TimeUs, 1, 1, AggressorSide.Buy)));
        _target.Position = new FeedPosition([FirstId, FirstId + 110], [FirstId + 99, FirstId + 199], Time(199), [Time(0), Time(110)], [Time(99), Time(199)]);
        _venue.Happen(Trades(0, 200));
        _venue.RestFloorId = FirstId + 110;

        await using var feed = Connect();
        Assert.True(await UntilAsync(() => !_target.Incomplete.IsEmpty), "no span was marked incomplete");
        Assert.Equal(("BINANCE:BTCUSDT", Time(99), Time(110)), Assert.Single(_target.Incomplete));
        Assert.Equal(10, feed.Connector.Counters.Snapshot().Unfilled);

        static long Time(int offset) => Trades(offset, 1)[0].TimeUs;
    }

    [Fact]
    public async Task ASymbolTheVenueDoesNotListStopsTheConnectorNamingIt()
    {
        using var rest = new HttpClient { BaseAddress = _venue.RestUrl };
        var error = await Assert.ThrowsAsync<UnknownSymbolsException>(() => new BinanceVenue().GetInstrumentsAsync(rest, [Symbol, "NOPEUSDT"], CancellationToken.None));
        Assert.Equal(["NOPEUSDT"], error.Symbols);
        Assert.Contains("NOPEUSDT", error.Message, StringComparison.Ordinal);
    }
}
