using BenchmarkDotNet.Attributes;
using Candles.Core.Building;
using Candles.Core.Composition;
using Candles.Core.Timeframes;
using NodaTime;

namespace Candles.Benchmarks;

/// <summary>
/// What a timeframe grain pays to recompose its candles when a minute closes: the instrument's whole 1m history read
/// (the golden tape's 5,609 minutes) and composed into 1h candles. Held as objects (before session 8), held packed and
/// read with footprints, and held packed and read as candles only (<see cref="BarBuilder.BarsBetween"/> without
/// footprints, which the timeframe grain now asks for).
/// </summary>
[MemoryDiagnoser]
public class MinuteReadBenchmarks
{
    private readonly BarSchedule _hour = BarSchedule.For(Timeframe.Parse("1h"), DateTimeZone.Utc);
    private BarBuilder _objects = null!;
    private BarBuilder _packed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _objects = GoldenTape.Builder(GoldenTape.Ticks, unpackedSpan: null);
        _packed = GoldenTape.Builder(GoldenTape.Ticks, BarBuilderOptions.Default.UnpackedSpan);
    }

    [Benchmark(Baseline = true)]
    public int ObjectsComposedInto1h() => BarComposer.Compose(_objects.BarsBetween(long.MinValue, long.MaxValue), _hour, footprintStepTicks: null).Count;

    [Benchmark]
    public int PackedReadWithFootprintsComposedInto1h() => BarComposer.Compose(_packed.BarsBetween(long.MinValue, long.MaxValue), _hour, footprintStepTicks: null).Count;

    [Benchmark]
    public int PackedReadAsCandlesComposedInto1h() => BarComposer.Compose(_packed.BarsBetween(long.MinValue, long.MaxValue, footprints: false), _hour, footprintStepTicks: null).Count;
}
