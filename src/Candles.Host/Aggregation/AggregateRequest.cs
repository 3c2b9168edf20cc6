using Candles.Core.Instruments;
using Candles.Core.Timeframes;
using NodaTime;

namespace Candles.Host.Aggregation;

/// <summary>
/// One offline aggregation: a trades file to bars of each timeframe, written as CSV. <see cref="StepTicks"/>
/// is the footprint grid (1 = the native tick) and <see cref="StepLabel"/> its name in file names.
/// </summary>
public sealed record AggregateRequest(
    string File,
    Instrument Instrument,
    IReadOnlyList<Timeframe> Timeframes,
    DateTimeZone Zone,
    AggregateOutput Output,
    long StepTicks,
    string StepLabel,
    int ValueAreaPercent,
    string OutPath)
{
    /// <summary>The golden file name: <c>candles_15m_UTC.csv</c>, <c>footprint_1h_UTC_10.00.csv</c>, <c>profile_1h_UTC_tick.csv</c>.</summary>
    public string FileNameFor(Timeframe timeframe)
    {
        var zone = TimeZones.FileSafeName(BarSchedule.For(timeframe, Zone).Zone);
        return Output switch
        {
            AggregateOutput.Candles => $"candles_{timeframe}_{zone}.csv",
            AggregateOutput.Footprint => $"footprint_{timeframe}_{zone}_{StepLabel}.csv",
            _ => $"profile_{timeframe}_{zone}_{StepLabel}.csv",
        };
    }
}
