using BenchmarkDotNet.Attributes;
using Candles.Core.Building;
using Candles.Core.Timeframes;
using Candles.Storage.Encoding;
using NodaTime;

namespace Candles.Benchmarks;

/// <summary>
/// An instrument whose trade ids are sparse, as on Bybit (one id counter for all its symbols): the golden tape with every
/// third id, so no two of its trades are consecutive. What one commit costs in the checkpoint it writes: the id ranges held,
/// copied out of the builder and encoded. Compare with <see cref="CheckpointOfConsecutiveIds"/>.
/// </summary>
[MemoryDiagnoser]
public class SparseIdBenchmarks
{
    private BarBuilder _sparse = null!;
    private BarBuilder _consecutive = null!;

    [GlobalSetup]
    public void Setup()
    {
        var tape = GoldenTape.Ticks;
        _sparse = Built([.. tape.Select((t, i) => t with { TradeId = 3L * i })]);
        _consecutive = Built(tape);
    }

    private static BarBuilder Built(Core.Ticks.Tick[] ticks)
    {
        var builder = new BarBuilder(BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc), new BarBuilderOptions { Retention = null });
        builder.Apply(ticks, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000, TimeSpan.FromSeconds(5));
        return builder;
    }

    /// <summary>The checkpoint a commit writes after the whole tape with every third id (466,265 trades).</summary>
    [Benchmark]
    public int CheckpointOfSparseIds() => CheckpointCodec.Encode(_sparse.Checkpoint()).Length;

    /// <summary>The same after the tape with its own, consecutive ids: one range.</summary>
    [Benchmark(Baseline = true)]
    public int CheckpointOfConsecutiveIds() => CheckpointCodec.Encode(_consecutive.Checkpoint()).Length;
}
