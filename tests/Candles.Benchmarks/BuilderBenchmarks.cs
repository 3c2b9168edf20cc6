using BenchmarkDotNet.Attributes;
using Candles.Core.Building;
using Candles.Core.Ticks;
using Candles.Core.Timeframes;
using NodaTime;

namespace Candles.Benchmarks;

/// <summary>
/// Ticks into the 1m builder with footprint. Results are per tick (OperationsPerInvoke), so ns/op is the
/// cost of one tick and 1e9 / ns/op the ticks per second on one core.
/// </summary>
[MemoryDiagnoser]
public class BuilderBenchmarks
{
    private Tick[] _tape = [];
    private Tick[] _oneMinute = [];
    private BarBuilder _live = null!;
    private long _nextId;

    [GlobalSetup]
    public void Setup()
    {
        _tape = GoldenTape.Ticks;

        // The same price path squeezed into one minute: the steady state of a live bar, no bar closes.
        var start = _tape[0].TimeUs / 60_000_000 * 60_000_000;
        _oneMinute = [.. _tape.Take(100_000).Select((t, i) => t with { TimeUs = start + (i / 2) })];
        _live = new BarBuilder(BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc), new BarBuilderOptions { Retention = null });
        _live.Update(_oneMinute[0]);
        _nextId = _oneMinute[^1].TradeId + 1;
    }

    /// <summary>The whole golden tape: 466,265 ticks, 5,609 bars closed (their allocation amortised per tick).</summary>
    [Benchmark(OperationsPerInvoke = 466_265)]
    public int GoldenTapeIntoMinuteBars() => GoldenTape.Build(_tape).Count;

    /// <summary>
    /// The same tape as the instrument's grain applies a batch (<see cref="BarBuilder.Apply"/>): each tick's time bounds, and
    /// the batch's newest tick found first. Compare with <see cref="GoldenTapeIntoMinuteBars"/>.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 466_265)]
    public int GoldenTapeAppliedAsOneBatch()
    {
        var builder = new BarBuilder(BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc), new BarBuilderOptions { Retention = null });
        var outcome = builder.Apply(_tape, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000, TimeSpan.FromSeconds(5));
        builder.Flush();
        return outcome.Applied + builder.ClosedBars.Count;
    }

    /// <summary>100,000 ticks into one live bar, again and again: what a tick costs when no bar closes. Expect 0 B per tick.</summary>
    [Benchmark(OperationsPerInvoke = 100_000)]
    public long LiveBarSteadyState()
    {
        var builder = _live;
        var id = _nextId;
        foreach (var tick in _oneMinute)
        {
            builder.Update(tick with { TradeId = id++ });
        }

        _nextId = id;
        return builder.Counters.Applied;
    }
}
