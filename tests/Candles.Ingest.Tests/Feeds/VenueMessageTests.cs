using System.Text;
using Candles.Core.Ticks;
using Candles.Ingest.Feeds;
using Candles.Ingest.Feeds.Binance;
using Candles.Ingest.Feeds.Bybit;
using Candles.Ingest.Feeds.Coinbase;
using Candles.Ingest.Feeds.Okx;

namespace Candles.Ingest.Tests.Feeds;

/// <summary>Each venue's messages as its documentation shows them, read into trades exactly; anything else counted, not applied.</summary>
public class VenueMessageTests
{
    private static (FeedMessageKind Kind, List<VenueTrade> Trades) Parse(Venue venue, string message)
    {
        List<VenueTrade> trades = [];
        return (venue.Parse(Encoding.UTF8.GetBytes(message), trades, out _), trades);
    }

    [Fact]
    public void ABinanceTradeWhoseBuyerWasTheMakerWasSoldByTheAggressor()
    {
        var (kind, trades) = Parse(new BinanceVenue(),
            """{"stream":"bnbbtc@trade","data":{"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136123,"m":true,"M":true}}""");
        Assert.Equal(FeedMessageKind.Trades, kind);
        Assert.Equal(new VenueTrade("BNBBTC", 12345, 1672515782136123, "0.001", "100", AggressorSide.Sell), Assert.Single(trades));
    }

    [Fact]
    public void ABinanceAggregateTradeIsIdentifiedByItsAggregateId()
    {
        var (_, trades) = Parse(new BinanceVenue(),
            """{"stream":"bnbbtc@aggTrade","data":{"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.001","q":"100","f":100,"l":105,"T":1672515782136000,"m":false,"M":true}}""");
        Assert.Equal((12345L, AggressorSide.Buy), (Assert.Single(trades).TradeId, trades[0].Side));
    }

    [Theory]
    [InlineData("""{"result":null,"id":1}""", FeedMessageKind.Control)]
    [InlineData("""{"error":{"code":2,"msg":"Invalid request: unknown variant"},"id":1}""", FeedMessageKind.VenueError)]
    [InlineData("""{"code":-1121,"msg":"Invalid symbol."}""", FeedMessageKind.VenueError)]
    [InlineData("""{"stream":"bnbbtc@depth","data":{"e":"depthUpdate","s":"BNBBTC"}}""", FeedMessageKind.Unknown)]
    [InlineData("""{"stream":"bnbbtc@trade","data":{"e":"trade","s":"BNBBTC","t":1,"p":"0.001","q":"100","T":1}}""", FeedMessageKind.Malformed)]
    [InlineData("""{"stream":"bnbbtc@trade","data":{"e":"trade","s":"BNBBTC","t":1,"p":0.001,"q":"100","T":1,"m":true}}""", FeedMessageKind.Malformed)]
    [InlineData("""{"stream":"bnbbtc@trade","data":{"e":"trade","s":"BNBBTC","t":1,"p":"\ud800","q":"100","T":1,"m":true}}""", FeedMessageKind.Malformed)]
    [InlineData("""{"stream":"bnbbtc@trade","data":{"e":"trade","s":"BNBBTC","t":1,"p":"0.001","q":"100","T":0,"m":true}}""", FeedMessageKind.Malformed)]
    [InlineData("""{"stream":"bnbbtc@trade","data":{"e":"trade","s":"BNBBTC","t":1,"p":"0.001","q":"100","T":1672304486865,"m":true}}""", FeedMessageKind.Malformed)]
    [InlineData("""[1,2,3]""", FeedMessageKind.Malformed)]
    [InlineData("""{"stream":""", FeedMessageKind.Malformed)]
    public void BinanceMessagesThatAreNotTradesAreSortedOut(string message, FeedMessageKind expected) =>
        Assert.Equal((expected, 0), (Parse(new BinanceVenue(), message).Kind, Parse(new BinanceVenue(), message).Trades.Count));

    [Fact]
    public void ABybitSpotTradeCarriesTheTakersSideAndMilliseconds()
    {
        var (kind, trades) = Parse(new BybitVenue(),
            """{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[{"T":1672304486865,"s":"BTCUSDT","S":"Sell","v":"0.001","p":"16578.50","i":"2290000000061666327","BT":false,"seq":1783284617}]}""");
        Assert.Equal(FeedMessageKind.Trades, kind);
        Assert.Equal(new VenueTrade("BTCUSDT", 2290000000061666327, 1672304486865000, "16578.50", "0.001", AggressorSide.Sell), Assert.Single(trades));
    }

    [Theory]
    [InlineData("""{"success":true,"ret_msg":"pong","conn_id":"0970e817","op":"ping"}""", FeedMessageKind.Control)]
    [InlineData("""{"success":true,"ret_msg":"subscribe","conn_id":"2324d924","req_id":"10001","op":"subscribe"}""", FeedMessageKind.Control)]
    [InlineData("""{"success":false,"ret_msg":"Invalid topic","op":"subscribe"}""", FeedMessageKind.VenueError)]
    [InlineData("""{"topic":"orderbook.1.BTCUSDT","type":"snapshot","data":{}}""", FeedMessageKind.Unknown)]
    [InlineData("""{"topic":"publicTrade.BTCUSDT","data":[{"T":1,"s":"BTCUSDT","S":"Buy","v":"1","p":"1","i":"20f43950-d8dd-5b31-9112-a178eb6023af"}]}""", FeedMessageKind.Malformed)]
    [InlineData("""{"topic":"publicTrade.BTCUSDT","data":[{"T":-18445044073709551,"s":"BTCUSDT","S":"Buy","v":"1","p":"1","i":"5"}]}""", FeedMessageKind.Malformed)]
    public void BybitMessagesThatAreNotTradesAreSortedOut(string message, FeedMessageKind expected) =>
        Assert.Equal((expected, 0), (Parse(new BybitVenue(), message).Kind, Parse(new BybitVenue(), message).Trades.Count));

    [Fact]
    public void ABybitTradeAtAnImpossibleTimeIsLeftOutAloneNotItsMessage()
    {
        var (kind, trades) = Parse(new BybitVenue(),
            """{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[{"T":5,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50","i":"7"},{"T":1672304486865,"s":"BTCUSDT","S":"Sell","v":"0.001","p":"16578.50","i":"9"}]}""");
        Assert.Equal(FeedMessageKind.Trades, kind);
        Assert.Equal(9, Assert.Single(trades).TradeId);
    }

    [Fact]
    public void ACoinbaseMatchNamesTheMakersSideSoASellMatchWasBoughtByTheTaker()
    {
        var (kind, trades) = Parse(new CoinbaseVenue(),
            """{"type":"match","trade_id":10,"sequence":50,"maker_order_id":"ac928c66-ca53-498f-9c13-a110027a60e8","taker_order_id":"132fb6ae-456b-4654-b4e0-d681ac05cea1","time":"2014-11-07T08:19:27.028459Z","product_id":"BTC-USD","size":"5.23512","price":"400.23","side":"sell"}""");
        Assert.Equal(FeedMessageKind.Trades, kind);
        var expectedUs = (new DateTimeOffset(2014, 11, 7, 8, 19, 27, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000) + 28459;
        Assert.Equal(new VenueTrade("BTC-USD", 10, expectedUs, "400.23", "5.23512", AggressorSide.Buy), Assert.Single(trades));
    }

    [Fact]
    public void ACoinbaseHeartbeatGivesTheProductsLastTradeIdAndItsTime()
    {
        var (kind, trades) = Parse(new CoinbaseVenue(),
            """{"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"BTC-USD","time":"2014-11-07T08:19:28.464459Z"}""");
        Assert.Equal(FeedMessageKind.LastTrade, kind);
        var expectedUs = (new DateTimeOffset(2014, 11, 7, 8, 19, 28, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000) + 464459;
        var last = Assert.Single(trades);
        Assert.Equal(("BTC-USD", 20L, expectedUs), (last.Symbol, last.TradeId, last.TimeUs));
    }

    [Theory]
    [InlineData("""{"type":"subscriptions","channels":[{"name":"matches","product_ids":["BTC-USD"]}]}""", FeedMessageKind.Control)]
    [InlineData("""{"type":"heartbeat","sequence":90,"product_id":"BTC-USD","time":"2014-11-07T08:19:28.464459Z"}""", FeedMessageKind.Control)]
    [InlineData("""{"type":"error","message":"Failed to subscribe","reason":"GIBBERISH-USD is not a valid product"}""", FeedMessageKind.VenueError)]
    [InlineData("""{"type":"ticker","product_id":"BTC-USD"}""", FeedMessageKind.Unknown)]
    [InlineData("""{"type":"match","trade_id":10,"time":"not a time","product_id":"BTC-USD","size":"1","price":"1","side":"sell"}""", FeedMessageKind.Malformed)]
    [InlineData("""{"type":"match","trade_id":10,"time":"1970-01-01T00:00:00Z","product_id":"BTC-USD","size":"1","price":"1","side":"sell"}""", FeedMessageKind.Malformed)]
    public void CoinbaseMessagesThatAreNotTradesAreSortedOut(string message, FeedMessageKind expected) =>
        Assert.Equal((expected, 0), (Parse(new CoinbaseVenue(), message).Kind, Parse(new CoinbaseVenue(), message).Trades.Count));

    [Fact]
    public void AnOkxTradeCarriesTheTakersSideAndItsQuotedIdAndTime()
    {
        var (kind, trades) = Parse(new OkxVenue(),
            """{"arg":{"channel":"trades-all","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"130639474","px":"42219.9","sz":"0.12060306","side":"buy","ts":"1630048897897","source":"0"}]}""");
        Assert.Equal(FeedMessageKind.Trades, kind);
        Assert.Equal(new VenueTrade("BTC-USDT", 130639474, 1630048897897000, "42219.9", "0.12060306", AggressorSide.Buy), Assert.Single(trades));
    }

    [Theory]
    [InlineData("pong", FeedMessageKind.Control)]
    [InlineData("""{"id":"1512","event":"subscribe","arg":{"channel":"trades-all","instId":"BTC-USDT"},"connId":"a4d3ae55"}""", FeedMessageKind.Control)]
    [InlineData("""{"id":"1512","event":"error","code":"60012","msg":"Invalid request","connId":"a4d3ae55"}""", FeedMessageKind.VenueError)]
    [InlineData("""{"arg":{"channel":"books","instId":"BTC-USDT"},"data":[]}""", FeedMessageKind.Unknown)]
    [InlineData("""{"arg":{"channel":"trades-all","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"1","px":"1","sz":"1","side":"both","ts":"1"}]}""", FeedMessageKind.Malformed)]
    [InlineData("""{"arg":{"channel":"trades-all","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"\udc00","px":"1","sz":"1","side":"buy","ts":"1"}]}""", FeedMessageKind.Malformed)]
    [InlineData("""{"arg":{"channel":"trades-all","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"18448444073709552"}]}""", FeedMessageKind.Malformed)]
    [InlineData("ping?", FeedMessageKind.Malformed)]
    public void OkxMessagesThatAreNotTradesAreSortedOut(string message, FeedMessageKind expected) =>
        Assert.Equal((expected, 0), (Parse(new OkxVenue(), message).Kind, Parse(new OkxVenue(), message).Trades.Count));

    [Fact]
    public void ABinanceSubscriptionNamesEveryStreamInLowerCase()
    {
        var message = Assert.Single(new BinanceVenue().SubscribeMessages(["BTCUSDT", "ETHUSDT"], new VenueFeedOptions()));
        Assert.Equal("""{"method":"SUBSCRIBE","params":["btcusdt@trade","ethusdt@trade"],"id":1}""", message);
    }

    [Fact]
    public void ABybitSubscriptionCarriesAtMostTenTopicsPerRequest()
    {
        var symbols = Enumerable.Range(0, 25).Select(i => $"SYM{i}USDT").ToList();
        Assert.Equal(3, new BybitVenue().SubscribeMessages(symbols, new VenueFeedOptions()).Count);
    }
}
