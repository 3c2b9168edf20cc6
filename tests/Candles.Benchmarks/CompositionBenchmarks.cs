using BenchmarkDotNet.Attributes;
using Candles.Core.Bars;
using Candles.Core.Composition;
using Candles.Core.Timeframes;
using NodaTime;

namespace Candles.Benchmarks;

/// <summary>Composing the golden tape's 5,609 one-minute bars into 1h and 1d bars, with and without footprints.</summary>
[MemoryDiagnoser]
public class CompositionBenchmarks
{
    private IReadOnlyList<Bar> _minuteBars = [];
    private BarSchedule _hour = null!;
    private BarSchedule _day = null!;
    private BarSchedule _newYorkDay = null!;

    [GlobalSetup]
    public void Setup()
    {
        _minuteBars = GoldenTape.MinuteBars;
        _hour = BarSchedule.For(Timeframe.Parse("1h"), DateTimeZone.Utc);
        _day = BarSchedule.For(Timeframe.Parse("1d"), DateTimeZone.Utc);
        _newYorkDay = BarSchedule.For(Timeframe.Parse("1d"), TimeZones.Find("America/New_York"));
    }

    [Benchmark]
    public int MinuteToHourCandles() => BarComposer.Compose(_minuteBars, _hour, null).Count;

    [Benchmark]
    public int MinuteToHourWithFootprint() => BarComposer.Compose(_minuteBars, _hour, 1).Count;

    [Benchmark]
    public int MinuteToDayCandles() => BarComposer.Compose(_minuteBars, _day, null).Count;

    [Benchmark]
    public int MinuteToDayWithFootprint() => BarComposer.Compose(_minuteBars, _day, 1).Count;

    [Benchmark]
    public int MinuteToNewYorkDayWithFootprint() => BarComposer.Compose(_minuteBars, _newYorkDay, 1).Count;
}
