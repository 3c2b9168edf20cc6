using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Microsoft.Extensions.DependencyInjection;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>Fails the next footprint read of a timeframe grain once armed: what a live feed does when a read times out.</summary>
public sealed class FootprintReadFault : IIncomingGrainCallFilter
{
    private int _armed;
    private int _fired;

    public int Fired => Volatile.Read(ref _fired);

    /// <summary>The footprint reads asked of timeframe grains: open times from, to.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(long From, long To)> Reads { get; } = new();

    public void FailNext() => Interlocked.Exchange(ref _armed, 1);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (GrainCalls.Calls<BarsQuery>(context, nameof(ITimeframeGrain.GetBars), out var query) && query.FootprintStepTicks is not null)
        {
            Reads.Enqueue((query.FromMs, query.ToMs));
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                Interlocked.Increment(ref _fired);
                throw new TimeoutException("injected: the footprint read failed");
            }
        }

        return context.Invoke();
    }
}

/// <summary>The tight gateway, with a footprint read that can be made to fail.</summary>
public sealed class FaultyReadGateway : FilteredGateway<FootprintReadFault>;

/// <summary>
/// A footprint feed reads the footprints of each message's bars from the grain. When that read fails, its
/// subscribers must not simply miss the change: they get a new snapshot at once, and live updates go on after it.
/// </summary>
public class FeedReadFaultTests(FaultyReadGateway server) : IClassFixture<FaultyReadGateway>
{
    private static readonly long T0 = Ms("2026-05-04T10:00:00Z");

    [Fact]
    public async Task AFailedFootprintReadSendsANewSnapshotInsteadOfLosingTheChange()
    {
        const string instrument = "TEST:FPFAULT";
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, [(1, T0 + 10_000, "100.00", "1.000", "buy")]);
        await using var client = await LiveClient.ConnectAsync(server.WebSocketAddress);
        await client.SendAsync(new { op = "subscribe", id = "f", instrument, tf = "1m", history = 10, footprint = true, step = "0.01" });
        Assert.True(await client.UntilAsync(c => c.Snapshots == 1, TimeSpan.FromSeconds(30)), "no snapshot");

        server.Filter.FailNext();
        await IngestAsync(server.Http, instrument, [(2, T0 + 20_000, "101.00", "2.000", "sell")]);
        Assert.True(
            await client.UntilAsync(c => c.Bars["\"f\""][T0].GetProperty("n").GetInt64() == 2, TimeSpan.FromSeconds(30)),
            $"the change whose read failed never reached the client (reads failed: {server.Filter.Fired})");
        Assert.Equal(1, server.Filter.Fired);
        Assert.Equal(2, client.Snapshots);
        var levels = client.Bars["\"f\""][T0].GetProperty("levels").EnumerateArray().Select(l => l.GetProperty("p").GetString()).ToList();
        Assert.Equal(["100.00", "101.00"], levels);

        // Live updates go on after the new snapshot, in sequence.
        await IngestAsync(server.Http, instrument, [(3, T0 + 30_000, "102.00", "1.000", "buy")]);
        Assert.True(await client.UntilAsync(c => c.Bars["\"f\""][T0].GetProperty("n").GetInt64() == 3, TimeSpan.FromSeconds(30)), "no update after the snapshot");
        Assert.Equal(2, client.Snapshots);
        var sequences = client.Sequences["\"f\""];
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
    }

    [Fact]
    public async Task ACorrectionOfAnOldBarAndTheLiveOneAreReadApart()
    {
        const string instrument = "TEST:FPAPART";
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, [(1, T0 + 10_000, "100.00", "1.000", "buy"), (2, T0 + (40 * 60_000), "101.00", "1.000", "buy")]);
        await using var client = await LiveClient.ConnectAsync(server.WebSocketAddress);
        await client.SendAsync(new { op = "subscribe", id = "a", instrument, tf = "1m", history = 100, footprint = true, step = "0.01" });
        Assert.True(await client.UntilAsync(c => c.Snapshots == 1, TimeSpan.FromSeconds(30)), "no snapshot");

        // One batch: a late trade of minute 0 and a live one of minute 40, 40 bars apart.
        server.Filter.Reads.Clear();
        await IngestAsync(server.Http, instrument, [(3, T0 + 20_000, "99.00", "1.000", "sell"), (4, T0 + (40 * 60_000) + 5_000, "102.00", "1.000", "buy")]);
        Assert.True(
            await client.UntilAsync(c => c.Bars["\"a\""][T0].GetProperty("n").GetInt64() == 2 && c.Bars["\"a\""][T0 + (40 * 60_000)].GetProperty("n").GetInt64() == 2, TimeSpan.FromSeconds(30)),
            "the correction or the live update never arrived");
        Assert.Equal(1, client.Snapshots);
        Assert.Equal(["99.00", "100.00"], client.Bars["\"a\""][T0].GetProperty("levels").EnumerateArray().Select(l => l.GetProperty("p").GetString()));
        var reads = server.Filter.Reads.ToList();
        Assert.NotEmpty(reads);
        Assert.All(reads, r => Assert.True(r.To - r.From <= 60_000, $"a read of {(r.To - r.From) / 60_000.0:0.#} minutes: {reads.Count} reads"));
    }
}
