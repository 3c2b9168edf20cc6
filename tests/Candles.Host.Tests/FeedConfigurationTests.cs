using System.CommandLine;
using Candles.Host.Cli;
using Candles.Host.Serving;
using Candles.Ingest.Feeds;
using Candles.Testing;
using Candles.Testing.FakeVenues;
using Microsoft.Extensions.Options;

namespace Candles.Host.Tests;

/// <summary>Feed configuration a user can get wrong stops start-up with a message naming what is wrong.</summary>
public class FeedConfigurationTests
{
    private static async Task<(int Exit, string Error)> ServeAsync(params string[] arguments)
    {
        var error = new StringWriter();
        var exit = await CandlesCommandLine.Create().Parse(["serve", .. arguments]).InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        return (exit, error.ToString());
    }

    [Fact]
    public async Task AnUnknownVenueOnTheCommandLineIsRefusedWithTheKnownOnes()
    {
        var (exit, error) = await ServeAsync("--feed", "kraken", "--instruments", "XBTUSD");
        Assert.Equal(CandlesCommandLine.BadInput, exit);
        Assert.Contains("--feed 'kraken' is not a venue; known: binance, bybit, coinbase, okx", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Candles:Role=router", "Candles:Role is 'router': give all, silo or gateway")]
    [InlineData("--Candles:Role=gateway", "Candles:Role=gateway joins a cluster through Redis: set Candles:Redis too")]
    public async Task ARoleThatCannotRunIsRefusedNamingTheSetting(string setting, string message)
    {
        var (exit, error) = await ServeAsync(setting, "--urls", "http://127.0.0.1:0");
        Assert.Equal(CandlesCommandLine.BadInput, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFeedWithoutInstrumentsIsRefused()
    {
        var (exit, error) = await ServeAsync("--feed", "binance", "--feed", "okx", "--instruments", "BTC-USDT");
        Assert.Equal(CandlesCommandLine.BadInput, exit);
        Assert.Contains("each --feed needs its --instruments: 2 --feed, 1 --instruments", error, StringComparison.Ordinal);
    }

    private static Microsoft.AspNetCore.Builder.WebApplication Server(params string[] settings) => CandlesServer.Build(
    [
        "--urls", "http://127.0.0.1:0", "--Candles:Silo:Simulator=false", $"--Candles:Silo:SiloPort={LoopbackPorts.Free()}",
        $"--Candles:Silo:GatewayPort={LoopbackPorts.Free()}", $"--Candles:Gateway:GrpcPort={LoopbackPorts.Free()}", "--Logging:LogLevel:Default=None", .. settings,
    ]);

    [Fact]
    public async Task AnUnknownVenueInTheConfigurationStopsStartUpNamingTheSetting()
    {
        await using var app = Server("--Candles:Feeds:Kraken:Instruments=XBTUSD");
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("Candles:Feeds:Kraken: unknown venue 'Kraken'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASymbolTheVenueDoesNotListStopsStartUpNamingIt()
    {
        await using var venue = new FakeBinance();
        venue.Listed["BTCUSDT"] = ("0.01000000", "0.00001000");
        await venue.StartAsync();
        await using var app = Server(
            "--Candles:Feeds:Binance:Instruments=BTCUSDT,NOPEUSDT", $"--Candles:Feeds:Binance:RestUrl={venue.RestUrl}",
            $"--Candles:Feeds:Binance:WebSocketUrl={venue.WebSocketUrl}");
        var error = await Assert.ThrowsAsync<UnknownSymbolsException>(() => app.StartAsync());
        Assert.Equal(["NOPEUSDT"], error.Symbols);
        Assert.Contains("Binance does not list the symbol(s) NOPEUSDT", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, venue.Connections);
    }
}
