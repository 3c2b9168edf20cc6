using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// Once armed, a timeframe grain's sequences read an hour lower, in what it pushes and what it answers: what a new
/// activation on a silo whose clock is an hour behind the last one's looks like to a gateway.
/// </summary>
public sealed class SequenceShift : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    private const long HourOfTicks = 36_000_000_000;
    private volatile bool _armed;

    public void Arm() => _armed = true;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        if (!_armed)
        {
            return;
        }

        if (context.Result is TimeframeSnapshot snapshot)
        {
            context.Result = snapshot with { Sequence = snapshot.Sequence - HourOfTicks };
        }
        else if (context.InterfaceMethod?.DeclaringType == typeof(ITimeframeGrain) && context.InterfaceMethod.Name == nameof(ITimeframeGrain.Follow) && context.Result is long sequence)
        {
            context.Result = sequence - HourOfTicks;
        }
    }

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (_armed && GrainCalls.Calls<BarEvents>(context, nameof(ILiveBarsObserver.OnBars), out var message))
        {
            context.Request.SetArgument(0, message with { Sequence = message.Sequence - HourOfTicks });
        }

        return context.Invoke();
    }
}

public sealed class SequenceShiftGateway : FilteredGateway<SequenceShift>;

/// <summary>A grain's sequence that goes back (a new activation on a silo with a slower clock) must not freeze its live feeds.</summary>
public class SequenceBackTests(SequenceShiftGateway server) : IClassFixture<SequenceShiftGateway>
{
    private static readonly long T0 = Ms("2026-05-04T10:00:00Z");

    [Fact]
    public async Task AGrainWhoseSequenceWentBackSendsANewSnapshotAndLiveUpdatesGoOn()
    {
        const string instrument = "TEST:SEQBACK";
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, [(1, T0 + 10_000, "100.00", "1.000", "buy")]);
        await using var client = await LiveClient.ConnectAsync(server.WebSocketAddress);
        await client.SendAsync(new { op = "subscribe", id = "a", instrument, tf = "1m", history = 10 });
        Assert.True(await client.UntilAsync(c => c.Snapshots == 1, TimeSpan.FromSeconds(30)), "no snapshot");
        await IngestAsync(server.Http, instrument, [(2, T0 + 20_000, "101.00", "1.000", "buy")]);
        Assert.True(await client.UntilAsync(c => c.Bars["\"a\""][T0].GetProperty("n").GetInt64() == 2, TimeSpan.FromSeconds(30)), "no live update");

        // From now on the grain's sequences are an hour lower: its next update looks old to the feed.
        server.Filter.Arm();
        await IngestAsync(server.Http, instrument, [(3, T0 + 30_000, "102.00", "1.000", "buy")]);
        Assert.True(
            await client.UntilAsync(c => c.Snapshots == 2 && c.Bars["\"a\""][T0].GetProperty("n").GetInt64() == 3, TimeSpan.FromSeconds(30)),
            $"the feed froze: {client.Snapshots} snapshots, the bar at {client.Bars["\"a\""][T0].GetProperty("n").GetInt64()} trades");

        // And live updates follow the new snapshot, in sequence.
        await IngestAsync(server.Http, instrument, [(4, T0 + 40_000, "103.00", "1.000", "buy")]);
        Assert.True(await client.UntilAsync(c => c.Bars["\"a\""][T0].GetProperty("n").GetInt64() == 4, TimeSpan.FromSeconds(30)), "no update after the new snapshot");
        Assert.Equal(2, client.Snapshots);
        var sequences = client.Sequences["\"a\""];
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
    }
}
