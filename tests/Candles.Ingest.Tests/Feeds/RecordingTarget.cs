using System.Collections.Concurrent;
using Candles.Abstractions.Wire;
using Candles.Core.Ticks;
using Candles.Ingest.Feeds;

namespace Candles.Ingest.Tests.Feeds;

/// <summary>
/// The connector's collaborator in these tests: keeps the ticks it is given once per trade id, as an instrument
/// grain does, and the spans marked incomplete. Can refuse the next calls, as an instrument that is moving does.
/// </summary>
internal sealed class RecordingTarget : ITickTarget
{
    private readonly ConcurrentDictionary<long, Tick> _ticks = new();
    private int _refusals;
    private bool _definitionsLost;
    private int _undefinedRefusals;

    public ConcurrentDictionary<string, InstrumentSpec> Defined { get; } = new();

    /// <summary>The spans marked incomplete, but for the first trade's minute (<see cref="FirstTradeMarks"/>).</summary>
    public ConcurrentQueue<(string Instrument, long FromUs, long ToUs)> Incomplete { get; } = new();

    /// <summary>
    /// The time of the first trade the test's venue has, when the instrument held none before it: the connector marks that
    /// trade's minute, as the trades before it were not followed, and such a mark is counted apart from the gaps.
    /// </summary>
    public long? FirstTradeUs { get; init; }

    /// <summary>How many times the minute of <see cref="FirstTradeUs"/> alone was marked.</summary>
    public int FirstTradeMarks;

    private long _firstMarkedAtMs = long.MinValue;

    /// <summary>When the first span was marked (<see cref="Environment.TickCount64"/>), or <see cref="long.MinValue"/>.</summary>
    public long FirstMarkedAtMs => Interlocked.Read(ref _firstMarkedAtMs);

    public int Duplicates;

    public int Calls;

    public FeedPosition Position { get; set; } = FeedPosition.None;

    /// <summary>Ticks at or after this time are refused as out of bounds, as an instrument whose clock is behind refuses them.</summary>
    public long? OutOfBoundsFromUs { get; set; }

    /// <summary>When set, positions are read from the ticks held (as the grain keeps its trade ids), not <see cref="Position"/>.</summary>
    public bool PositionFromTicks { get; set; }

    public IReadOnlyCollection<Tick> Ticks => (IReadOnlyCollection<Tick>)_ticks.Values;

    public int Count => _ticks.Count;

    /// <summary>The next <paramref name="calls"/> ingest calls throw, as an unavailable instrument does.</summary>
    public void Refuse(int calls) => _refusals = calls;

    /// <summary>The instrument forgets its definition, as one whose Redis lost it does: ingest refuses it until it is defined again.</summary>
    public void LoseDefinition(string instrument)
    {
        _definitionsLost = true;
        Defined.TryRemove(instrument, out _);
    }

    /// <summary>The instrument lost its definition, and someone else defined it again with <paramref name="other"/> grids before this connector could.</summary>
    public void RedefinedElsewhere(InstrumentSpec other)
    {
        Defined[other.Id] = other;
        Interlocked.Exchange(ref _undefinedRefusals, 1);
    }

    public void Seed(IEnumerable<Tick> ticks)
    {
        foreach (var tick in ticks)
        {
            _ticks[tick.TradeId] = tick;
        }
    }

    public Task<DefineOutcome> DefineAsync(InstrumentSpec spec, CancellationToken cancellation) =>
        Task.FromResult(Defined.TryAdd(spec.Id, spec) ? DefineOutcome.Created : Defined[spec.Id] == spec ? DefineOutcome.Unchanged : DefineOutcome.Conflict);

    public Task<FeedPosition> GetPositionAsync(string instrument, CancellationToken cancellation) =>
        Task.FromResult(PositionFromTicks ? HeldRanges() : Position);

    private FeedPosition HeldRanges()
    {
        var ticks = _ticks.Values.OrderBy(t => t.TradeId).ToList();
        if (ticks.Count == 0)
        {
            return FeedPosition.None;
        }

        // With each range's edge trades' times, as the grain gives them, so holes between ranges can be marked.
        List<long> lows = [ticks[0].TradeId], highs = [ticks[0].TradeId], lowTimes = [ticks[0].TimeUs], highTimes = [ticks[0].TimeUs];
        foreach (var tick in ticks.Skip(1))
        {
            if (tick.TradeId == highs[^1] + 1)
            {
                (highs[^1], highTimes[^1]) = (tick.TradeId, tick.TimeUs);
            }
            else
            {
                (lows, highs, lowTimes, highTimes) = ([.. lows, tick.TradeId], [.. highs, tick.TradeId], [.. lowTimes, tick.TimeUs], [.. highTimes, tick.TimeUs]);
            }
        }

        return new FeedPosition(lows, highs, ticks[^1].TimeUs, lowTimes, highTimes);
    }

    public Task<IngestReport> IngestAsync(string instrument, Tick[] ticks, CancellationToken cancellation)
    {
        Interlocked.Increment(ref Calls);
        if (Interlocked.Decrement(ref _refusals) >= 0)
        {
            throw new InstrumentUnavailableException($"{instrument} is moving; retry");
        }

        if ((_definitionsLost && !Defined.ContainsKey(instrument)) || Interlocked.Decrement(ref _undefinedRefusals) >= 0)
        {
            throw new InstrumentUndefinedException($"{instrument} is not defined here now; define it again or retry");
        }

        int applied = 0, outOfBounds = 0;
        foreach (var tick in ticks)
        {
            if (tick.TimeUs >= OutOfBoundsFromUs)
            {
                outOfBounds++;
            }
            else if (_ticks.TryAdd(tick.TradeId, tick))
            {
                applied++;
            }
            else
            {
                Interlocked.Increment(ref Duplicates);
            }
        }

        return Task.FromResult(new IngestReport(ticks.Length, applied, 0, ticks.Length - applied - outOfBounds, 0, outOfBounds));
    }

    public Task MarkIncompleteAsync(string instrument, long fromUs, long toUs, CancellationToken cancellation)
    {
        if (fromUs == FirstTradeUs && toUs == FirstTradeUs)
        {
            Interlocked.Increment(ref FirstTradeMarks);
            return Task.CompletedTask;
        }

        Interlocked.CompareExchange(ref _firstMarkedAtMs, Environment.TickCount64, long.MinValue);
        Incomplete.Enqueue((instrument, fromUs, toUs));
        return Task.CompletedTask;
    }
}
