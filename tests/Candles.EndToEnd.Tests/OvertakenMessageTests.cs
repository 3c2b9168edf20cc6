using System.Collections.Concurrent;
using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;
using Microsoft.Extensions.DependencyInjection;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// Once armed, holds back the 1m messages an instrument pushes to its timeframe grains: messages on their way. Can also
/// run something once, just before a timeframe grain next asks its instrument for its status.
/// </summary>
public sealed class MinuteMessageTrap : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    private volatile bool _armed;
    private Func<Task>? _beforeStatus;

    /// <summary>Runs <paramref name="action"/> before the next status read by a timeframe grain goes out.</summary>
    public void BeforeNextStatusRead(Func<Task> action) => _beforeStatus = action;

    async Task IOutgoingGrainCallFilter.Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(ISymbolGrain.GetStatus) && context.SourceId?.Type.ToString() == "timeframe"
            && Interlocked.Exchange(ref _beforeStatus, null) is { } action)
        {
            await action();
        }

        await context.Invoke();
    }

    public ConcurrentQueue<BarEvents> Held { get; } = new();

    /// <summary>The 1m messages let through to the timeframe grains while <see cref="Watching"/>.</summary>
    public ConcurrentQueue<BarEvents> Passed { get; } = new();

    public bool Watching { get; set; }

    public void Arm() => _armed = true;

    public void Disarm() => _armed = false;

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (_armed && GrainCalls.Calls<BarEvents>(context, nameof(ITimeframeGrain.OnMinutes), out var message))
        {
            Held.Enqueue(message);
            return Task.CompletedTask;
        }

        if (Watching && GrainCalls.Calls<BarEvents>(context, nameof(ITimeframeGrain.OnMinutes), out var passed))
        {
            Passed.Enqueue(passed);
        }

        return context.Invoke();
    }
}

public sealed class TrappingGateway : FilteredGateway<MinuteMessageTrap>;

/// <summary>
/// A timeframe grain reads the instrument's current state when a 1m message does not carry it (a correction alone).
/// That state may be newer than messages still on their way; arriving after it, they must not take the bars back.
/// </summary>
public class OvertakenMessageTests(TrappingGateway server) : IClassFixture<TrappingGateway>
{
    private static readonly long T0 = Ms("2026-05-04T10:00:00Z");

    [Fact]
    public async Task MessagesOlderThanAStateAlreadyPushedDoNotTakeTheLiveBarBack()
    {
        const string instrument = "TEST:OVERTAKEN";
        var (grain, recorder) = await FollowedAsync(instrument);
        using var following = recorder;

        // Four messages held on their way: minute 0 closes as minute 1 starts; a late trade corrects minute 0 (a
        // message without the live bar); two more trades of minute 1.
        server.Filter.Arm();
        await IngestAsync(server.Http, instrument, [(2, T0 + 70_000, "101.00", "1.000", "buy")]);
        await IngestAsync(server.Http, instrument, [(3, T0 + 20_000, "99.00", "1.000", "sell")]);
        await IngestAsync(server.Http, instrument, [(4, T0 + 80_000, "102.00", "1.000", "buy")]);

        // Once trade 4's update is out (the instrument coalesces live updates for 100 ms), so each is a message of its own.
        Assert.True(await Eventually.UntilAsync(() => server.Filter.Held.Count == 3, TimeSpan.FromSeconds(30)), $"{server.Filter.Held.Count} messages held");
        await IngestAsync(server.Http, instrument, [(5, T0 + 90_000, "103.00", "1.000", "buy")]);
        Assert.True(await Eventually.UntilAsync(() => server.Filter.Held.Count == 4, TimeSpan.FromSeconds(30)), $"{server.Filter.Held.Count} messages held");
        server.Filter.Disarm();
        var held = server.Filter.Held.ToList();
        Assert.True(held.Count == 4, $"{held.Count} messages held: " + string.Join(" | ", held.Select(m => $"{m.Sequence}: " + string.Join(", ", m.Events.Select(e => $"{e.Kind} {e.Bar.Candle.OpenTimeMs - T0} n={e.Bar.Candle.Trades}")))));
        Assert.DoesNotContain(held[1].Events, e => e.Kind == BarEventKind.Update);

        // The first two arrive: the correction makes the grain read the state (minute 1 at 3 trades). Then the two
        // overtaken ones arrive: they carry minute 1 at 2 and at 3 trades.
        foreach (var message in held)
        {
            await grain.OnMinutes(message);
        }

        // A last trade, whose message comes after them all: once its update is pushed, so is everything before it.
        await IngestAsync(server.Http, instrument, [(6, T0 + 95_000, "103.00", "1.000", "buy")]);
        Assert.True(
            await Eventually.UntilAsync(() => recorder.Messages.SelectMany(m => m.Events).Any(e => e.Bar.Candle.OpenTimeMs == T0 + 60_000 && e.Bar.Candle.Trades == 4), TimeSpan.FromSeconds(30)),
            "the last trade's update never came");
        var liveUpdates = recorder.Messages.SelectMany(m => m.Events)
            .Where(e => e.Kind == BarEventKind.Update && e.Bar.Candle.OpenTimeMs == T0 + 60_000)
            .Select(e => e.Bar.Candle.Trades).ToList();
        Assert.Equal(4, liveUpdates[^1]);

        // Without passing over the overtaken messages: 1, 3, 2, 3, 4.
        Assert.Equal(liveUpdates.Order(), liveUpdates);

        // Minute 0 never goes back either: its trades only grow, and once closed it is never live again.
        var minuteZero = recorder.Messages.SelectMany(m => m.Events).Where(e => e.Bar.Candle.OpenTimeMs == T0).ToList();
        Assert.Equal(minuteZero.Select(e => e.Bar.Candle.Trades).Order(), minuteZero.Select(e => e.Bar.Candle.Trades));
        Assert.Equal(2, minuteZero[^1].Bar.Candle.Trades);
        Assert.DoesNotContain(minuteZero.SkipWhile(e => e.Kind == BarEventKind.Update), e => e.Kind == BarEventKind.Update);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1L)]
    public async Task ASnapshotReadWhileMessagesAreOnTheirWayIsNotFollowedByTheirOlderStates(long? footprintStepTicks)
    {
        // A footprint feed's snapshot as well as a candle feed's.
        var instrument = footprintStepTicks is null ? "TEST:OVERTAKEN-SNAPSHOT" : "TEST:OVERTAKEN-FPSNAPSHOT";
        var (grain, recorder) = await FollowedAsync(instrument);
        using var following = recorder;

        // Two messages held on their way: minute 0 at two trades, then minute 0 closed as minute 1 starts.
        server.Filter.Arm();
        await IngestAsync(server.Http, instrument, [(2, T0 + 20_000, "101.00", "1.000", "buy")]);
        Assert.True(await Eventually.UntilAsync(() => server.Filter.Held.Count == 1, TimeSpan.FromSeconds(30)), $"{server.Filter.Held.Count} messages held");
        await IngestAsync(server.Http, instrument, [(3, T0 + 70_000, "102.00", "1.000", "buy")]);
        Assert.True(await Eventually.UntilAsync(() => server.Filter.Held.Count == 2, TimeSpan.FromSeconds(30)), $"{server.Filter.Held.Count} messages held");
        server.Filter.Disarm();

        // The snapshot reads the instrument as it is now (minute 0 closed), while both messages are still to come.
        var snapshot = await grain.Snapshot(new BarsQuery(long.MinValue, long.MaxValue, 10, footprintStepTicks));
        Assert.Equal([T0, T0 + 60_000], snapshot.Page.Bars.Select(b => b.Candle.OpenTimeMs));
        foreach (var message in server.Filter.Held)
        {
            await grain.OnMinutes(message);
        }

        await NothingOlderFollowsAsync(instrument, recorder, snapshot);
    }

    [Fact]
    public async Task AFootprintSnapshotHoldsTheStateItsSequenceSaysAndNothingNewer()
    {
        // A footprint snapshot's bars and the state whose messages it passes over must be one read. Here two trades commit
        // while the snapshot is being made: minute 0 at two trades, then minute 0 closed as minute 1 starts.
        const string instrument = "TEST:FPSNAPSHOT-STATE";
        var (grain, recorder) = await FollowedAsync(instrument);
        using var following = recorder;
        var committed = false;
        server.Filter.BeforeNextStatusRead(async () =>
        {
            await IngestAsync(server.Http, instrument, [(2, T0 + 20_000, "101.00", "1.000", "buy")]);
            await Task.Delay(300); // past the instrument's coalescing of live updates, so each trade is a message of its own
            await IngestAsync(server.Http, instrument, [(3, T0 + 70_000, "102.00", "1.000", "buy")]);
            committed = true;
        });

        server.Filter.Watching = true;
        var snapshot = await grain.Snapshot(new BarsQuery(long.MinValue, long.MaxValue, 10, 1));
        Assert.True(committed, "the trades were not committed while the snapshot was made");
        Assert.Equal([(T0, 2L), (T0 + 60_000, 1L)], snapshot.Page.Bars.Select(b => (b.Candle.OpenTimeMs, b.Candle.Trades)));

        await NothingOlderFollowsAsync(instrument, recorder, snapshot);

        // The test could fail: minute 0's live update at two trades came as a message of its own, after the snapshot.
        server.Filter.Watching = false;
        Assert.Contains(server.Filter.Passed, m => m.Events.Any(e => e.Kind == BarEventKind.Update && e.Bar.Candle.OpenTimeMs == T0 && e.Bar.Candle.Trades == 2));
    }

    [Fact]
    public async Task ABacklogLongerThanAnyWindowIsPassedOverOnceANewerStateWasPushed()
    {
        const string instrument = "TEST:OVERTAKEN-BACKLOG";
        var (grain, recorder) = await FollowedAsync(instrument);
        using var following = recorder;

        // Seventy messages held on their way, one a minute (each closes the minute before), then a late trade of minute 0:
        // a correction alone.
        const long Minute = 60_000;
        server.Filter.Arm();
        for (var minute = 1; minute <= 70; minute++)
        {
            await IngestAsync(server.Http, instrument, [(minute + 1, T0 + (minute * Minute) + 1_000, "100.00", "1.000", "buy")]);
        }

        await IngestAsync(server.Http, instrument, [(100, T0 + 20_000, "99.00", "1.000", "sell")]);
        static bool Corrects(BarEvents m) => m.Events.Any(e => e.Kind == BarEventKind.Correction && e.Bar.Candle.OpenTimeMs == T0);
        Assert.True(await Eventually.UntilAsync(() => server.Filter.Held.Any(Corrects), TimeSpan.FromSeconds(30)), $"{server.Filter.Held.Count} messages held, none with the correction");
        server.Filter.Disarm();

        // A live update the instrument held back (coalesced on a busy machine) may come as a message of its own: at least 71.
        var held = server.Filter.Held.ToList();
        Assert.True(held.Count >= 71, $"{held.Count} messages held");
        var correction = held.Single(Corrects);
        Assert.DoesNotContain(correction.Events, e => e.Kind == BarEventKind.Update);

        // The correction arrives first, so the grain reads the state (minute 70 live); then the seventy older ones.
        await grain.OnMinutes(correction);
        foreach (var message in held.Where(m => m != correction))
        {
            await grain.OnMinutes(message);
        }

        await IngestAsync(server.Http, instrument, [(101, T0 + (70 * Minute) + 5_000, "101.00", "1.000", "buy")]);
        Assert.True(
            await Eventually.UntilAsync(() => recorder.Messages.SelectMany(m => m.Events).Any(e => e.Bar.Candle.OpenTimeMs == T0 + (70 * Minute) && e.Bar.Candle.Trades == 2), TimeSpan.FromSeconds(30)),
            "the last trade's update never came");

        // Once minute 70 was pushed, no older minute is live again.
        var events = recorder.Messages.SelectMany(m => m.Events).ToList();
        var newest = events.FindIndex(e => e.Bar.Candle.OpenTimeMs == T0 + (70 * Minute));
        Assert.DoesNotContain(events.Skip(newest), e => e.Kind == BarEventKind.Update && e.Bar.Candle.OpenTimeMs < T0 + (70 * Minute));
    }

    /// <summary>
    /// A last trade in minute 1 (its update comes after every message before it), then what a subscriber applies on top of
    /// a snapshot that showed minute 0 closed at two trades: nothing may reopen minute 0 or take either minute back.
    /// </summary>
    private async Task NothingOlderFollowsAsync(string instrument, RecordingObserver recorder, TimeframeSnapshot snapshot)
    {
        await IngestAsync(server.Http, instrument, [(4, T0 + 80_000, "103.00", "1.000", "buy")]);
        Assert.True(
            await Eventually.UntilAsync(() => recorder.Messages.SelectMany(m => m.Events).Any(e => e.Bar.Candle.OpenTimeMs == T0 + 60_000 && e.Bar.Candle.Trades == 2), TimeSpan.FromSeconds(30)),
            "the last trade's update never came");
        var after = recorder.Messages.Where(m => m.Sequence > snapshot.Sequence).SelectMany(m => m.Events).ToList();
        Assert.DoesNotContain(after, e => e.Bar.Candle.OpenTimeMs == T0 && e.Kind == BarEventKind.Update);
        Assert.DoesNotContain(after, e => e.Bar.Candle.OpenTimeMs == T0 && e.Bar.Candle.Trades < 2);
        Assert.DoesNotContain(after, e => e.Bar.Candle.OpenTimeMs == T0 + 60_000 && e.Bar.Candle.Trades < 1);
    }

    /// <summary>A new instrument with one trade in minute 0, its 1m timeframe followed; no message held yet.</summary>
    private async Task<(ITimeframeGrain Grain, RecordingObserver Recorder)> FollowedAsync(string instrument)
    {
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, [(1, T0 + 10_000, "100.00", "1.000", "buy")]);
        var grain = server.TimeframeGrain($"{instrument}|1m|UTC");
        var recorder = await RecordingObserver.FollowAsync(server.Services.GetRequiredService<IClusterClient>(), grain);
        server.Filter.Held.Clear();
        return (grain, recorder);
    }
}
