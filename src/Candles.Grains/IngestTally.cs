using Candles.Abstractions.Wire;
using Candles.Core.Building;
using Microsoft.Extensions.Logging;

namespace Candles.Grains;

/// <summary>What an instrument's activation made of the ticks it was given: its totals, the silo's metrics, and a warning for refused ones.</summary>
internal sealed partial class IngestTally(string instrument, ILogger logger)
{
    public IngestReport Totals { get; private set; } = IngestReport.Empty;

    /// <summary>Counts a committed batch of <paramref name="received"/> ticks; every tick under exactly one outcome.</summary>
    public IngestReport Count(int received, BatchOutcome outcome)
    {
        var report = new IngestReport(received, outcome.Applied, outcome.Amended, outcome.Duplicates, outcome.TooOld, outcome.OutOfBounds);
        Totals = Totals.Add(report);
        Diagnostics.GrainMetrics.Ingested(report);
        if (outcome.TooOld > 0)
        {
            LogRefused(logger, outcome.TooOld, instrument);
        }

        if (outcome.Refusal is { } refusal)
        {
            LogOutOfBounds(logger, outcome.OutOfBounds, instrument, refusal);
        }

        return report;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} ticks of {Instrument} for their time, e.g. {Reason}")]
    private static partial void LogOutOfBounds(ILogger logger, int count, string instrument, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} ticks of {Instrument} older than the retained history")]
    private static partial void LogRefused(ILogger logger, int count, string instrument);
}
