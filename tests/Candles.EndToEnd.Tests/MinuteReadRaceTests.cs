using Candles.Abstractions.Grains;
using Microsoft.Extensions.DependencyInjection;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>Once armed, holds a timeframe grain's next read of a whole 1m history until released: the gap between its two reads.</summary>
public sealed class MinuteReadGate : IOutgoingGrainCallFilter
{
    private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _armed;

    public Task Paused => _paused.Task;

    public void Arm() => Interlocked.Exchange(ref _armed, 1);

    public void Release() => _released.TrySetResult();

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (GrainCalls.Calls<long>(context, nameof(ISymbolGrain.GetMinuteCandles), out var fromMs) && fromMs == long.MinValue
            && Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _paused.TrySetResult();
            await _released.Task;
        }

        await context.Invoke();
    }
}

public sealed class GatedReadService : FilteredGateway<MinuteReadGate>;

/// <summary>
/// A timeframe grain reads the instrument's state, then its closed minutes: two calls, between which the instrument
/// goes on. A minute that opens and closes in between must not be taken into the cache under the older state, where
/// the live update that follows would count it again.
/// </summary>
public class MinuteReadRaceTests(GatedReadService server) : IClassFixture<GatedReadService>
{
    private static readonly long T0 = Ms("2026-05-04T10:00:00Z");

    /// <summary>The trade counts pushed for the bar opening at <paramref name="openMs"/>, in order.</summary>
    private static List<long> Trades(RecordingObserver follower, long openMs) =>
        [.. follower.Messages.SelectMany(m => m.Events).Where(e => e.Bar.Candle.OpenTimeMs == openMs).Select(e => e.Bar.Candle.Trades)];

    [Fact]
    public async Task AMinuteThatOpensAndClosesBetweenTheTwoReadsIsCountedOnce()
    {
        const string instrument = "TEST:READRACE";
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, [(1, T0 + 10_000, "100.00", "1.000", "buy")]);
        var client = server.Services.GetRequiredService<IClusterClient>();
        var grain = server.TimeframeGrain($"{instrument}|5m|UTC");
        using var follower = await RecordingObserver.FollowAsync(client, grain);

        // Minute 0 closed by a flush: no live minute.
        await IngestAsync(server.Http, instrument, [(2, T0 + 20_000, "101.00", "1.000", "buy")], flush: true);
        Assert.True(await Eventually.UntilAsync(() => Trades(follower, T0).Contains(2), TimeSpan.FromSeconds(30)), "the flush was never pushed");

        // A late trade of minute 0 makes the grain read everything again; its read of the minutes is held while minute
        // 1 opens (3 trades) and closes (a trade of minute 2).
        server.Filter.Arm();
        await IngestAsync(server.Http, instrument, [(3, T0 + 30_000, "99.00", "1.000", "sell")]);
        await server.Filter.Paused.WaitAsync(TimeSpan.FromSeconds(30));

        // Apart by more than the instrument's coalescing of live updates (100 ms), so minute 1's update is a message.
        await Task.Delay(300);
        await IngestAsync(server.Http, instrument, [(4, T0 + 61_000, "102.00", "1.000", "buy"), (5, T0 + 62_000, "102.00", "1.000", "buy"), (6, T0 + 63_000, "103.00", "1.000", "buy")]);
        await Task.Delay(300);
        await IngestAsync(server.Http, instrument, [(7, T0 + 125_000, "104.00", "1.000", "buy")]);
        server.Filter.Release();

        // A trade of the next 5m bar, whose message comes after them all: once it is pushed, so is everything before it.
        await IngestAsync(server.Http, instrument, [(8, T0 + 301_000, "105.00", "1.000", "buy")]);
        Assert.True(await Eventually.UntilAsync(() => Trades(follower, T0 + 300_000).Count > 0, TimeSpan.FromSeconds(30)), "the next bar was never pushed");

        // 7 trades in the 5m bar, never more in any push.
        var updates = Trades(follower, T0);
        Assert.True(updates.All(n => n <= 7), $"pushed trade counts {string.Join(", ", updates)}");
        Assert.Equal(7, updates[^1]);
        var bars = (await grain.GetBars(new Abstractions.Wire.BarsQuery(long.MinValue, long.MaxValue, 10, null))).Bars;
        Assert.Equal(7, bars.Single(b => b.Candle.OpenTimeMs == T0).Candle.Trades);
    }
}
