using System.Diagnostics;
using System.Diagnostics.Metrics;
using Candles.Abstractions.Wire;

namespace Candles.Grains.Diagnostics;

/// <summary>
/// What the grains of this silo did, as OpenTelemetry-readable instruments of the meter <see cref="MeterName"/>:
/// ticks by outcome (every refused tick is counted by its reason), bars closed, corrections, seals and seal lag.
/// </summary>
public static class GrainMetrics
{
    public const string MeterName = "Candles.Grains";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Ticks = Meter.CreateCounter<long>("candles.ticks", "{tick}", "Ticks an instrument grain was given, by outcome: applied, amended (a late tick in a closed bar), duplicate, too_old, out_of_bounds");
    private static readonly Counter<long> BarsClosed = Meter.CreateCounter<long>("candles.bars.closed", "{bar}", "1m bars closed");
    private static readonly Counter<long> Corrections = Meter.CreateCounter<long>("candles.bars.corrected", "{bar}", "Closed 1m bars changed by a late tick or a coverage mark");
    private static readonly Counter<long> Seals = Meter.CreateCounter<long>("candles.seals", "{bar}", "Daily bars sealed or re-sealed into the sealed-bar store");
    private static readonly Histogram<double> SealLag = Meter.CreateHistogram<double>("candles.seal.lag", "s", "How far the instrument's watermark had passed the end of the newest day sealed, when it was sealed");

    public static void Ingested(IngestReport report)
    {
        Add("applied", report.Applied);
        Add("amended", report.Amended);
        Add("duplicate", report.Duplicates);
        Add("too_old", report.TooOld);
        Add("out_of_bounds", report.OutOfBounds);

        static void Add(string outcome, int count)
        {
            if (count > 0)
            {
                Ticks.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
            }
        }
    }

    public static void Committed(int closed, int corrected)
    {
        if (closed > 0)
        {
            BarsClosed.Add(closed);
        }

        if (corrected > 0)
        {
            Corrections.Add(corrected);
        }
    }

    public static void Sealed(int days, string zone, long? watermarkPastDayEndMs)
    {
        var tags = new TagList { { "zone", zone } };
        Seals.Add(days, tags);
        if (watermarkPastDayEndMs is { } lagMs)
        {
            SealLag.Record(lagMs / 1000.0, tags);
        }
    }
}
