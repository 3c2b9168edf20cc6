using Candles.Core.Ticks;
using Candles.Ingest.Feeds;
using Candles.Ingest.Feeds.Binance;
using Candles.Ingest.Feeds.Bybit;
using Candles.Ingest.Feeds.Coinbase;
using Candles.Ingest.Feeds.Okx;
using Candles.Testing.FakeVenues;

using static Candles.Ingest.Tests.Feeds.FeedHarness;

namespace Candles.Ingest.Tests.Feeds;

/// <summary>Bybit, Coinbase and OKX connectors against their fakes: normal flow, keepalive, a drop, and what REST can and cannot refill.</summary>
public sealed class OtherVenueConnectorTests
{
    private const long FirstId = 90_000_001;
    private const long StartUs = 1_772_150_400_000_000;

    public static TheoryData<string> VenueNames => ["Bybit", "Coinbase", "Okx"];

    private static (Venue Venue, FakeVenue Fake, string Symbol) Create(string name, TimeSpan? clientPingWithin = null) => name switch
    {
        "Binance" => (new BinanceVenue(), new FakeBinance(), "BTCUSDT"),
        "Bybit" => (new BybitVenue(), new FakeBybit { ClientPingRequiredWithin = clientPingWithin }, "BTCUSDT"),
        "Coinbase" => (new CoinbaseVenue(), new FakeCoinbase(), "BTC-USD"),
        _ => (new OkxVenue(), new FakeOkx { ClientPingRequiredWithin = clientPingWithin }, "BTC-USDT"),
    };

    /// <summary>Trades 1 ms apart: Bybit and OKX carry milliseconds only.</summary>
    private static List<FakeTrade> Trades(string symbol, int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => new FakeTrade(symbol, FirstId + i, StartUs + (i * 1_000L), $"{40_000 + (i % 500)}.{i % 10}", $"0.{i % 90 + 10:00}1", i % 2 == 0))];

    private static async Task<(FakeVenue Fake, FeedHarness Feed, RecordingTarget Target, string Symbol)> StartAsync(
        string name, TimeSpan? clientPingWithin = null, Action<VenueFeedOptions>? configure = null)
    {
        var (venue, fake, symbol) = Create(name, clientPingWithin);
        fake.Listed[symbol] = ("0.1", "0.001");
        await fake.StartAsync();
        var target = new RecordingTarget { FirstTradeUs = StartUs };
        var feed = new FeedHarness(venue, fake, target, [symbol], configure);
        Assert.True(await UntilAsync(() => fake.Subscribed == 1), $"{name}: never subscribed");
        return (fake, feed, target, symbol);
    }

    [Theory]
    [MemberData(nameof(VenueNames))]
    public async Task DeliversEveryTradeWithItsTakersSideOnTheVenuesGrids(string name)
    {
        var (fake, feed, target, symbol) = await StartAsync(name);
        await using (fake)
        await using (feed)
        {
            var trades = Trades(symbol, 0, 300);
            await fake.PublishAsync(trades);

            Assert.True(await UntilAsync(() => target.Count == 300), $"{name}: {target.Count} of 300 ticks arrived");
            Assert.Equal(("0.1", "0.001"), (target.Defined.Single().Value.TickSize, target.Defined.Single().Value.QuantityStep));
            var byId = target.Ticks.ToDictionary(t => t.TradeId);
            foreach (var trade in trades)
            {
                var tick = byId[trade.Id];
                Assert.Equal((trade.TimeUs, trade.TakerBuys ? AggressorSide.Buy : AggressorSide.Sell), (tick.TimeUs, tick.Side));
                Assert.Equal(decimal.Parse(trade.Price, System.Globalization.CultureInfo.InvariantCulture) * 10, tick.Price);
                Assert.Equal(decimal.Parse(trade.Quantity, System.Globalization.CultureInfo.InvariantCulture) * 1000, tick.Quantity);
            }
        }
    }

    [Theory]
    [InlineData("Bybit")]
    [InlineData("Okx")]
    public async Task SendsTheVenuesOwnPingSoTheVenueKeepsTheConnection(string name)
    {
        // The venue's limit is ten keepalive periods: wide enough for a loaded test machine, which the check below still fails without pings.
        var (fake, feed, target, symbol) = await StartAsync(name, TimeSpan.FromMilliseconds(1500), o => o.KeepAlivePeriod = TimeSpan.FromMilliseconds(150));
        await using (fake)
        await using (feed)
        {
            // Twenty pings span at least two of the venue's limits.
            Assert.True(await UntilAsync(() => fake.Pings >= 20), $"{name}: {fake.Pings} pings");
            await fake.PublishAsync(Trades(symbol, 0, 10));

            Assert.True(await UntilAsync(() => target.Count == 10), $"{name}: {target.Count} of 10 ticks arrived");
            Assert.Equal(1, fake.Connections);
        }
    }

    [Theory]
    [InlineData("Bybit")]
    [InlineData("Okx")]
    public async Task WithoutItsPingTheVenueClosesTheConnectionAndTheConnectorReconnects(string name)
    {
        // The check above can fail: pings slower than the venue's limit get the connection closed.
        var (fake, feed, _, _) = await StartAsync(name, TimeSpan.FromMilliseconds(300), o => o.KeepAlivePeriod = TimeSpan.FromSeconds(5));
        await using (fake)
        await using (feed)
        {
            Assert.True(await UntilAsync(() => fake.Connections >= 3), $"{name}: {fake.Connections} connections");
            Assert.True(feed.Connector.Counters.Snapshot().Drops >= 2);
        }
    }

    [Theory]
    [MemberData(nameof(VenueNames))]
    public async Task AfterADropTheTradesItMissedAreFetchedOverRest(string name)
    {
        var (fake, feed, target, symbol) = await StartAsync(name);
        await using (fake)
        await using (feed)
        {
            await fake.PublishAsync(Trades(symbol, 0, 100));
            Assert.True(await UntilAsync(() => target.Count == 100), $"{name}: the first trades never arrived");

            // Bybit's REST history holds the last 60 trades: a shorter outage is all it can refill.
            var missed = name == "Bybit" ? 40 : 250;
            fake.DropAll();
            fake.Happen(Trades(symbol, 100, missed));
            Assert.True(await UntilAsync(() => fake.Subscribed == 1), $"{name}: never reconnected");

            // Bybit's ids say nothing of a gap: it asks for the trades since the last one held as soon as it reconnects,
            // and its 60-trade history must still reach back that far.
            if (name == "Bybit")
            {
                Assert.True(await UntilAsync(() => feed.Connector.Counters.Snapshot().Backfilled >= missed), $"{name}: the missed trades were not fetched");
            }

            await fake.PublishAsync(Trades(symbol, 100 + missed, 20));

            var total = 120 + missed;
            Assert.True(await UntilAsync(() => target.Count == total), $"{name}: {target.Count} of {total} ticks arrived");
            Assert.Equal(Enumerable.Range(0, total).Select(i => FirstId + i), target.Ticks.Select(t => t.TradeId).Order());
            Assert.Empty(target.Incomplete);
            Assert.Equal(0, target.Duplicates);
        }
    }

    [Fact]
    public async Task MatchesCoinbaseNeverSentAreFetchedOnceItsHeartbeatShowsTheLastTradeId()
    {
        var (fake, feed, target, symbol) = await StartAsync("Coinbase");
        await using (fake)
        await using (feed)
        {
            await fake.PublishAsync(Trades(symbol, 0, 10));
            Assert.True(await UntilAsync(() => target.Count == 10), $"{target.Count} of the first 10 ticks arrived");

            // Five trades whose matches never come, on a connection that stays up, in a market that then goes quiet: no
            // later match shows the gap, the heartbeat's last trade id does.
            fake.Happen(Trades(symbol, 10, 5));
            await ((FakeCoinbase)fake).HeartbeatAsync(symbol, DateTimeOffset.UtcNow);

            Assert.True(await UntilAsync(() => target.Count == 15), $"{target.Count} of 15 ticks arrived");
            Assert.Equal(Enumerable.Range(0, 15).Select(i => FirstId + i), target.Ticks.Select(t => t.TradeId).Order());
            Assert.Empty(target.Incomplete);

            // A heartbeat with nothing missed asks for nothing.
            var fetches = fake.RestCalls.Values.Sum();
            await ((FakeCoinbase)fake).HeartbeatAsync(symbol, DateTimeOffset.UtcNow);
            await fake.PublishAsync(Trades(symbol, 15, 1));
            Assert.True(await UntilAsync(() => target.Count == 16), $"{target.Count} of 16 ticks arrived");
            await Task.Delay(1_500);
            Assert.Equal(fetches, fake.RestCalls.Values.Sum());
        }
    }

    [Theory]
    [MemberData(nameof(VenueNames))]
    public async Task AConnectionThatDropsWhileItsReplacementIsOpeningIsCaughtUpFromWhereItWas(string name)
    {
        var (fake, feed, target, symbol) = await StartAsync(name, configure: o => o.ConnectionLifetime = TimeSpan.FromSeconds(1.5));
        await using (fake)
        await using (feed)
        {
            await fake.PublishAsync(Trades(symbol, 0, 100));
            Assert.True(await UntilAsync(() => target.Count == 100), $"{name}: the first trades never arrived");

            // The replacement the connector opens before the cut-off hangs; the old connection drops meanwhile.
            fake.SilentConnections = 1;
            var before = fake.Connections;
            Assert.True(await UntilAsync(() => fake.Connections > before && fake.SilentConnections == 0), $"{name}: no silent replacement was opened");
            fake.DropAll();
            fake.Happen(Trades(symbol, 100, 40));
            Assert.True(await UntilAsync(() => fake.Subscribed == 1), $"{name}: never reconnected");

            // Bybit's ids say nothing of a gap: without a catch-up from where the old connection was, its 40 trades are
            // lost; with one, its 60-trade history must still reach back that far when asked.
            if (name == "Bybit")
            {
                Assert.True(await UntilAsync(() => feed.Connector.Counters.Snapshot().Backfilled >= 40), $"{name}: the missed trades were not fetched");
            }

            await fake.PublishAsync(Trades(symbol, 140, 20));
            Assert.True(await UntilAsync(() => target.Count == 160), $"{name}: {target.Count} of 160 ticks arrived");
            Assert.Equal(Enumerable.Range(0, 160).Select(i => FirstId + i), target.Ticks.Select(t => t.TradeId).Order());
            Assert.Empty(target.Incomplete);
            Assert.Equal(0, target.Duplicates);
            Assert.True(feed.Connector.Counters.Snapshot().Drops >= 1, $"{name}: the drop was not counted");
        }
    }

    [Fact]
    public async Task BybitsReplacedConnectionIsCaughtUpFromWhereTheReplacementBeganAsItsIdsShowNoGap()
    {
        // While both connections deliver, a trade the old one brings after a later one from the new is dropped as a repeat,
        // and the new one is up at its first answer, maybe before every chunk of ten is subscribed; its ids show neither.
        // One REST request a symbol after each replacement covers it. What it fetches again the instrument drops by
        // trade id; nothing is marked.
        var (fake, feed, target, symbol) = await StartAsync("Bybit", configure: o => o.ConnectionLifetime = TimeSpan.FromSeconds(1));
        await using (fake)
        await using (feed)
        {
            for (var i = 0; i < 25; i++)
            {
                await fake.PublishAsync(Trades(symbol, i * 4, 4));
                await Task.Delay(100);
            }

            Assert.True(await UntilAsync(() => target.Count == 100), $"{target.Count} of 100 ticks arrived");
            await feed.StopAsync();
            var status = feed.Connector.Counters.Snapshot();
            Assert.True(status.Rollovers >= 1, $"{status.Rollovers} rollovers");
            // One a replacement; the last one's may have been cut short by the stop.
            Assert.InRange(fake.RestCalls.GetValueOrDefault("/v5/market/recent-trade"), Math.Max(1, status.Rollovers - 1), status.Rollovers + 1);
            Assert.Equal(0L, status.Drops);
            Assert.Equal(Enumerable.Range(0, 100).Select(i => FirstId + i), target.Ticks.Select(t => t.TradeId).Order());
            Assert.Empty(target.Incomplete);
        }
    }

    /// <summary>
    /// A started fake venue whose instrument holds trades 0..9 (the target seeded with them, its positions read from its
    /// ticks), and the next <paramref name="meanwhile"/> trades happening while the next subscription is made.
    /// </summary>
    private static async Task<(Venue Venue, FakeVenue Fake, string Symbol, RecordingTarget Target)> HoldingTenAsync(string name, int meanwhile, Action<FakeVenue> configure)
    {
        var (venue, fake, symbol) = Create(name);
        fake.Listed[symbol] = ("0.1", "0.001");
        configure(fake);
        await fake.StartAsync();
        var held = Trades(symbol, 0, 10);
        fake.Happen(held);
        fake.HappenWhileSubscribing.AddRange(Trades(symbol, 10, meanwhile));
        var target = new RecordingTarget { FirstTradeUs = StartUs, PositionFromTicks = true };
        target.Seed(held.Select(t => new Tick(t.Id, t.TimeUs, 1, 1, AggressorSide.Buy)));
        return (venue, fake, symbol, target);
    }

    [Theory]
    [MemberData(nameof(VenueNames))]
    public async Task AtStartTheTradesSinceTheInstrumentsLastAreFetchedOnceTheConnectionIsSubscribed(string name)
    {
        // The instrument holds trades 0..9; 10..29 happen while the connection subscribes (the venue takes half a second),
        // so no live message brings them. Asked before the subscription, the venue would not have them yet, and Bybit's
        // ids would never show them missing.
        var (venue, fake, symbol, target) = await HoldingTenAsync(name, meanwhile: 20, fake => fake.FirstAnswerDelay = TimeSpan.FromMilliseconds(500));
        await using (fake)
        await using (var feed = new FeedHarness(venue, fake, target, [symbol]))
        {
            Assert.True(await UntilAsync(() => target.Count == 30), $"{name}: {target.Count} of 30 ticks arrived");
            Assert.Equal(Enumerable.Range(0, 30).Select(i => FirstId + i), target.Ticks.Select(t => t.TradeId).Order());
            Assert.Empty(target.Incomplete);
            Assert.Equal(0, target.FirstTradeMarks);
        }
    }

    [Theory]
    [MemberData(nameof(VenueNames))]
    [InlineData("Binance")]
    public async Task ASubscriptionTheVenueRefusesIsMadeAgainAndTheTradesMeanwhileCaughtUp(string name)
    {
        // The instrument holds trades 0..9. The venue answers the first subscription with an error and sends nothing:
        // kept open as if subscribed, the connection would bring none of the instrument's trades, and nothing would show
        // them missing. Trades 10..19 happen before the next subscription is made, so no live message brings them.
        var (venue, fake, symbol, target) = await HoldingTenAsync(name, meanwhile: 10, fake => fake.RefusedSubscriptions = 1);
        await using (fake)
        await using (var feed = new FeedHarness(venue, fake, target, [symbol]))
        {
            Assert.True(await UntilAsync(() => fake.RefusedSubscriptions == 0), $"{name}: the venue was never asked to subscribe");
            Assert.True(await UntilAsync(() => fake.Subscribed == 1), $"{name}: the refused subscription was not made again");
            Assert.True(await UntilAsync(() => target.Count == 20), $"{name}: {target.Count} of 20 ticks arrived: the trades while refused were not caught up");
            await fake.PublishAsync(Trades(symbol, 20, 10));
            Assert.True(await UntilAsync(() => target.Count == 30), $"{name}: {target.Count} of 30 ticks arrived");
            Assert.Equal(Enumerable.Range(0, 30).Select(i => FirstId + i), target.Ticks.Select(t => t.TradeId).Order());
            Assert.Empty(target.Incomplete);
            Assert.Equal((1L, 2), (feed.Connector.Counters.Snapshot().VenueErrors, fake.Connections));
        }
    }

    [Fact]
    public async Task ASymbolTheVenueKeepsRefusingLeavesTheOthersOnItsConnectionServedAndIsTakenOnceServed()
    {
        // OKX answers each symbol of a subscription apart: the first is refused on four connections in a row (replaced
        // after about 1 s, 2 s, 4 s and 8 s), the second subscribed each time. The second's trades flow all along, on the connection
        // kept while its replacement waits; the first is served by the fourth connection. (It held no trade, so those it
        // missed before are not fetched: a feed follows a new instrument from its first trade.)
        var fake = new FakeOkx { RefusedSubscriptions = 4 };
        string[] symbols = ["BTC-USDT", "ETH-USDT"];
        foreach (var listed in symbols)
        {
            fake.Listed[listed] = ("0.1", "0.001");
        }

        await fake.StartAsync();
        var target = new RecordingTarget { FirstTradeUs = StartUs };
        await using (fake)
        await using (var feed = new FeedHarness(new OkxVenue(), fake, target, symbols))
        {
            Assert.True(await UntilAsync(() => fake.Subscribed == 1), "never subscribed");
            var (refusedSymbol, servedSymbol) = fake.SubscribedTo(symbols[0]) == 0 ? (symbols[0], symbols[1]) : (symbols[1], symbols[0]);
            await fake.PublishAsync(Trades(servedSymbol, 100, 10));
            Assert.True(await UntilAsync(() => target.Count == 10), $"{target.Count} of 10 ticks arrived: the symbol subscribed was not served");
            Assert.True(fake.RefusedSubscriptions > 0, "the served symbol's trades came only once the refusals were over");

            Assert.True(await UntilAsync(() => fake.SubscribedTo(refusedSymbol) == 1, TimeSpan.FromSeconds(40)), "the refused symbol was never subscribed");
            await fake.PublishAsync(Trades(refusedSymbol, 0, 10));
            Assert.True(await UntilAsync(() => target.Count == 20), $"{target.Count} of 20 ticks arrived: the refused symbol was not served");
            Assert.Equal((0, 4L, 5), (fake.RefusedSubscriptions, feed.Connector.Counters.Snapshot().VenueErrors, fake.Connections));
        }
    }

    /// <summary>Polls until the count has not moved for <paramref name="quiet"/>, or 30 s are up; the caller asserts the result.</summary>
    private static async Task<bool> QuietAsync(Func<int> count, TimeSpan quiet)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var (last, since) = (count(), DateTime.UtcNow);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            if (count() != last)
            {
                (last, since) = (count(), DateTime.UtcNow);
            }
            else if (DateTime.UtcNow - since >= quiet)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Trades 0..99 arrive, the connection drops, 100..139 happen meanwhile, and the venue fails the next REST requests.</summary>
    private static async Task HundredThenADropAsync(FakeVenue fake, RecordingTarget target, string symbol, int failures)
    {
        await fake.PublishAsync(Trades(symbol, 0, 100));
        Assert.True(await UntilAsync(() => target.Count == 100), "the first trades never arrived");
        fake.DropAll();
        fake.Happen(Trades(symbol, 100, 40));
        fake.TradeRequestFailures = failures;
        Assert.True(await UntilAsync(() => fake.Subscribed == 1), "never reconnected");
    }

    [Fact]
    public async Task ABybitCatchUpTheVenueGivesNoAnswerToMarksTheMinutesSinceTheLastTradeAndIsFetchedAgain()
    {
        // Bybit's ids show no gap, so the catch-up after a reconnect is all there is: its first two requests fail. The
        // minutes since the last trade held are marked at once, until now (no live trade may come to bound them), and the
        // catch-up is tried again until it gets the 40 trades.
        var testStartedUs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        var (fake, feed, target, symbol) = await StartAsync("Bybit");
        await using (fake)
        await using (feed)
        {
            await HundredThenADropAsync(fake, target, symbol, failures: 2);

            Assert.True(await UntilAsync(() => feed.Connector.Counters.Snapshot().Backfilled >= 40), "the missed trades were not fetched again");
            await fake.PublishAsync(Trades(symbol, 140, 20));
            Assert.True(await UntilAsync(() => target.Count == 160), $"{target.Count} of 160 ticks arrived");
            Assert.Equal(0, fake.TradeRequestFailures);
            // One mark a failure, each from trade 99 to when it failed.
            Assert.InRange(target.Incomplete.Count, 1, 2);
            Assert.All(target.Incomplete, m => Assert.True(m.FromUs == Trades(symbol, 99, 1)[0].TimeUs && m.ToUs >= testStartedUs, $"marked {m}"));
        }
    }

    [Fact]
    public async Task ABybitCatchUpGivenUpLeavesTheNextDropsCatchUpToBeMarkedAndTriedAgain()
    {
        var (fake, feed, target, symbol) = await StartAsync("Bybit", configure: o => o.BackfillRetryFor = TimeSpan.FromSeconds(1));
        await using (fake)
        await using (feed)
        {
            // The venue answers no REST request for longer than the retry time: the catch-up is marked and given up.
            await HundredThenADropAsync(fake, target, symbol, failures: int.MaxValue);
            Assert.True(await UntilAsync(() => !target.Incomplete.IsEmpty), "the first catch-up was not marked");

            // Given up once no request came for two seconds: longer than any wait between its tries within the one second.
            Assert.True(await QuietAsync(() => fake.RestCalls.GetValueOrDefault("/v5/market/recent-trade"), TimeSpan.FromSeconds(2)), "the catch-up was never given up");
            fake.TradeRequestFailures = 0;
            await fake.PublishAsync(Trades(symbol, 140, 10));
            Assert.True(await UntilAsync(() => target.Count == 110), $"{target.Count} of 110 ticks arrived");

            // A second drop, whose catch-up fails: it is marked from its own last trade and fetched again. One failure, as
            // a second would have to come within the one second of retries, which a busy machine can miss.
            fake.TradeRequestFailures = 1;
            fake.DropAll();
            fake.Happen(Trades(symbol, 150, 10));
            Assert.True(await UntilAsync(() => fake.Subscribed == 1), "never reconnected the second time");
            Assert.True(await UntilAsync(() => target.Count == 120), $"{target.Count} of 120 ticks arrived: the second catch-up was not tried again");
            Assert.Contains(target.Incomplete, m => m.FromUs == Trades(symbol, 149, 1)[0].TimeUs);
        }
    }

    [Fact]
    public async Task ABybitCatchUpOfMoreThanItMayTakeTakesTheNewestAndMarksTheMinutesBefore()
    {
        var (fake, feed, target, symbol) = await StartAsync("Bybit", configure: o => o.MaxBackfillTrades = 10);
        await using (fake)
        await using (feed)
        {
            await fake.PublishAsync(Trades(symbol, 0, 100));
            Assert.True(await UntilAsync(() => target.Count == 100), "the first trades never arrived");
            fake.DropAll();
            fake.Happen(Trades(symbol, 100, 40));
            Assert.True(await UntilAsync(() => fake.Subscribed == 1), "never reconnected");

            // 40 missed, 10 may be taken: the newest ten (130..139), and the minutes from trade 99 to 130 are marked.
            Assert.True(await UntilAsync(() => !target.Incomplete.IsEmpty), "nothing marked incomplete");
            Assert.Equal(("BYBIT:BTCUSDT", Trades(symbol, 99, 1)[0].TimeUs, Trades(symbol, 130, 1)[0].TimeUs), Assert.Single(target.Incomplete));
            Assert.True(await UntilAsync(() => target.Count == 110), $"{target.Count} of 110 ticks arrived");
            Assert.Equal(Enumerable.Range(0, 100).Concat(Enumerable.Range(130, 10)).Select(i => FirstId + i), target.Ticks.Select(t => t.TradeId).Order());
        }
    }

    [Theory]
    [MemberData(nameof(VenueNames))]
    public async Task AnOutageLongerThanTheVenuesHistoryIsMarkedIncomplete(string name)
    {
        var (fake, feed, target, symbol) = await StartAsync(name);
        await using (fake)
        await using (feed)
        {
            await fake.PublishAsync(Trades(symbol, 0, 100));
            Assert.True(await UntilAsync(() => target.Count == 100), $"{name}: the first trades never arrived");

            fake.DropAll();
            fake.Happen(Trades(symbol, 100, 150));
            fake.RestFloorId = FirstId + 200;
            Assert.True(await UntilAsync(() => fake.Subscribed == 1), $"{name}: never reconnected");
            await fake.PublishAsync(Trades(symbol, 250, 20));

            Assert.True(await UntilAsync(() => !target.Incomplete.IsEmpty), $"{name}: nothing marked incomplete");
            var (_, fromUs, toUs) = target.Incomplete.First();

            // From the last trade held (99) to a trade after the lost ones: the lost ids 100..199 lie between.
            Assert.Equal(Trades(symbol, 99, 1)[0].TimeUs, fromUs);
            Assert.InRange(toUs, Trades(symbol, 200, 1)[0].TimeUs, Trades(symbol, 269, 1)[0].TimeUs);
        }
    }
}
