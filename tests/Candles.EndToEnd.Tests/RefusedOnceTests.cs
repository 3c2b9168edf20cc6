using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>Once armed, holds the next snapshot read of a timeframe grain for a moment: live messages come in meanwhile.</summary>
public sealed class SlowSnapshot : IIncomingGrainCallFilter
{
    private int _armed;

    /// <summary>Completes when the slowed read has begun.</summary>
    public TaskCompletionSource Slowing { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void SlowNext()
    {
        Slowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _armed, 1);
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (GrainCalls.Calls<BarsQuery>(context, nameof(ITimeframeGrain.Snapshot), out _) && Interlocked.Exchange(ref _armed, 0) == 1)
        {
            Slowing.TrySetResult();
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        await context.Invoke();
    }
}

/// <summary>The tight gateway answering at most 6 footprint levels at once, with a snapshot read that can be slowed.</summary>
public sealed class SlowSnapshotGateway() : FilteredGateway<SlowSnapshot>("--Candles:Gateway:MaxLevelsPerResponse=6");

/// <summary>A subscription refused for its snapshot's size is refused once, whatever came in while the snapshot was read.</summary>
public class RefusedOnceTests(SlowSnapshotGateway server) : IClassFixture<SlowSnapshotGateway>
{
    private static readonly long T0 = Ms("2026-05-04T10:00:00Z");

    [Fact]
    public async Task AFootprintSnapshotOverTheLimitGetsOneErrorWhileLiveMessagesCome()
    {
        const string instrument = "TEST:REFUSEDONCE";
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, Enumerable.Range(0, 5).SelectMany(m => new[]
        {
            ((long)(m * 2) + 1, T0 + (m * 60_000) + 1_000, "100.00", "1.000", "buy"),
            ((long)(m * 2) + 2, T0 + (m * 60_000) + 2_000, "100.01", "1.000", "sell"),
        }));
        await using var client = await LiveClient.ConnectAsync(server.WebSocketAddress);

        // 3 closed bars and the live one: 8 levels, over 6; three live trades arrive while the snapshot is read.
        server.Filter.SlowNext();
        await client.SendAsync(new { op = "subscribe", id = "fp", instrument, tf = "1m", history = 3, footprint = true, step = "0.01" });
        await server.Filter.Slowing.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var trade = 11; trade <= 13; trade++)
        {
            await IngestAsync(server.Http, instrument, [(trade, T0 + (4 * 60_000) + (trade * 1_000), "100.02", "1.000", "buy")]);
        }

        Assert.Equal("bad_request", (await client.NextOfTypeAsync("error", TimeSpan.FromSeconds(30))).GetProperty("code").GetString());

        // A ping answered shows the connection read past anything that followed the error.
        await Task.Delay(2000);
        await client.SendAsync(new { op = "ping", id = "p" });
        Assert.Equal("pong", (await client.NextOfTypeAsync("pong", TimeSpan.FromSeconds(30))).GetProperty("type").GetString());
        var errors = client.Messages.Count(m => m.GetProperty("type").GetString() == "error");
        Assert.True(errors == 1, $"{errors} errors for one refused subscription");
    }
}
