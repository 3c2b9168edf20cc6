using Candles.Core.Timeframes;
using Candles.Gateway.Live;
using Candles.Gateway.Requests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>A feed ends cleanly: its grain stops pushing to it and the client drops its observer, without a throw.</summary>
public class FeedLifetimeTests(TightGateway server) : IClassFixture<TightGateway>
{
    private static readonly long T0 = Ms("2026-05-04T10:00:00Z");

    [Fact]
    public async Task AnEndedFeedUnfollowsItsGrainWithoutThrowing()
    {
        const string instrument = "TEST:FEEDEND";
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, [(1, T0 + 10_000, "100.00", "1.000", "buy")]);
        var known = await server.Services.GetRequiredService<InstrumentDirectory>().FindAsync(instrument);
        var client = server.Services.GetRequiredService<IClusterClient>();
        var key = new FeedKey(instrument, Timeframe.OneMinute, "UTC", null);
        var feed = new LiveFeed(key, known!.Instrument, client, TimeProvider.System, TimeSpan.FromMinutes(1), NullLogger.Instance);
        await feed.Started;
        var grain = server.TimeframeGrain(key.TimeframeKey);
        Assert.Equal(1, await grain.GetFollowerCount());

        // Dropping the observer wants the reference the client made of it; given the object itself, it threw here.
        await feed.DisposeAsync();
        Assert.Equal(0, await grain.GetFollowerCount());
    }
}
