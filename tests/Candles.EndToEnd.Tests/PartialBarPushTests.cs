using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;
using Microsoft.Extensions.DependencyInjection;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// A gap marked over minutes without trades changes no candle, but makes the bars holding them partial: a live
/// follower hears of it as REST does, not at its next snapshot.
/// </summary>
public class PartialBarPushTests(EmbeddedServer server) : IClassFixture<EmbeddedServer>
{
    [Fact]
    public async Task AGapMarkedInQuietMinutesOfAClosedBarIsPushedAsACorrectionThatIsNotComplete()
    {
        const string instrument = "TEST:QUIETGAP";
        var t0 = Ms("2026-05-04T10:00:00Z");
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, [(1, t0 + 10_000, "100.00", "1.000", "buy"), (2, t0 + 310_000, "101.00", "1.000", "buy")]);
        var grain = server.TimeframeGrain($"{instrument}|5m|UTC");
        using var recorder = await RecordingObserver.FollowAsync(server.Services.GetRequiredService<IClusterClient>(), grain);

        // The feed could not fill 10:02-10:03 (no trade there): the closed 10:00 bar is partial now, its candle unchanged.
        await server.Services.GetRequiredService<IClusterClient>().GetGrain<ISymbolGrain>(instrument).MarkIncomplete((t0 + 120_000) * 1000, (t0 + 150_000) * 1000);

        List<(BarEvents Message, BarEvent Event)> pushed = [];
        Assert.True(
            await Eventually.UntilAsync(
                () => (pushed = [.. recorder.Messages.SelectMany(m => m.Events.Where(e => e.Bar.Candle.OpenTimeMs == t0).Select(e => (m, e)))]).Count > 0,
                TimeSpan.FromSeconds(30)),
            "the 10:00 bar was never pushed after the gap was marked");
        var (message, bar) = Assert.Single(pushed);
        Assert.Equal((BarEventKind.Correction, 1L), (bar.Kind, bar.Bar.Candle.Trades));
        Assert.False(message.IsComplete(bar.Bar), "the 10:00 bar was pushed as complete");
    }
}
