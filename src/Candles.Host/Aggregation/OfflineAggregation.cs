using System.Diagnostics;
using System.Runtime;
using System.Text;
using Candles.Core.Bars;
using Candles.Core.Building;
using Candles.Core.Composition;
using Candles.Core.Timeframes;
using Candles.Ingest.Replay;
using NodaTime;

namespace Candles.Host.Aggregation;

/// <summary>
/// The <c>aggregate</c> verb's work: every trade of a file into 1m bars with footprints (duplicates ignored,
/// out-of-order trades amending their bar, all kept), then each requested timeframe composed from them.
/// </summary>
public static class OfflineAggregation
{
    private const long NoCollectionBudget = 64 << 20;

    /// <summary>Runs the request; returns the process exit code. A bad line stops it with exit code 2.</summary>
    public static int Run(AggregateRequest request, TextWriter output, TextWriter error)
    {
        var clock = Stopwatch.StartNew();
        var paused = TryPauseCollections();
        try
        {
            return Run(request, output, error, clock);
        }
        finally
        {
            ResumeCollections(paused);
        }
    }

    private static int Run(AggregateRequest request, TextWriter output, TextWriter error, Stopwatch clock)
    {
        var footprints = request.Output != AggregateOutput.Candles;
        var builder = new BarBuilder(BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc), new BarBuilderOptions { Retention = null, Footprints = footprints, UnpackedSpan = null });
        using (var reader = BinanceTradeCsvReader.Open(request.File, request.Instrument))
        {
            while (reader.TryRead(out var tick))
            {
                builder.Update(tick);
            }

            if (reader.Error is { } bad)
            {
                error.WriteLine($"{request.File}: {bad}");
                return Cli.CandlesCommandLine.BadInput;
            }
        }

        builder.Flush();
        var minuteBars = builder.ClosedBars;
        var footprintStep = footprints ? request.StepTicks : (long?)null;
        var written = new string[request.Timeframes.Count];
        Parallel.For(0, request.Timeframes.Count, i =>
        {
            var timeframe = request.Timeframes[i];
            var bars = BarComposer.Compose(minuteBars, BarSchedule.For(timeframe, request.Zone), footprintStep);
            written[i] = Write(request, timeframe, bars);
        });

        var counters = builder.Counters;
        output.WriteLine(
            $"{counters.Total} trades: {counters.Applied} applied, {counters.Amended} amended late, {counters.Duplicates} duplicates ignored, " +
            $"{counters.TooOld} too old; {minuteBars.Count} 1m bars; {written.Length} files in {clock.ElapsedMilliseconds} ms");
        foreach (var path in written)
        {
            output.WriteLine(path);
        }

        return 0;
    }

    /// <summary>
    /// A run over a few days of trades allocates little (13 MB for the golden tape's 466 k trades); the collections
    /// the server collector's first small budgets make of it cost 9-18 ms of a ~300 ms run (docs/PERFORMANCE.md). A
    /// no-GC region spares them; a long run outgrows the region, which then simply ends. The region is process-wide:
    /// when one is already open (another run in this process), this run goes without, and a run whose own region
    /// ended may close another's on its way out, which costs that run time, never a result.
    /// </summary>
    private static bool TryPauseCollections()
    {
        try
        {
            return GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(NoCollectionBudget, disallowFullBlockingGC: true);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
        {
            // Another run opened one in between, or this collector's regions cannot hold the budget.
            return false;
        }
    }

    private static void ResumeCollections(bool paused)
    {
        if (!paused || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion)
        {
            return;
        }

        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // The region ended by itself in between: allocations outgrew it.
        }
    }

    private static string Write(AggregateRequest request, Timeframe timeframe, List<Bar> bars)
    {
        var path = request.Timeframes.Count > 1 || Directory.Exists(request.OutPath)
            ? Path.Combine(request.OutPath, request.FileNameFor(timeframe))
            : request.OutPath;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 14);
        switch (request.Output)
        {
            case AggregateOutput.Candles:
                BarCsvWriter.WriteCandles(writer, request.Instrument, bars);
                break;
            case AggregateOutput.Footprint:
                BarCsvWriter.WriteFootprints(writer, request.Instrument, bars);
                break;
            default:
                BarCsvWriter.WriteProfiles(writer, request.Instrument, bars, request.ValueAreaPercent);
                break;
        }

        return path;
    }
}
