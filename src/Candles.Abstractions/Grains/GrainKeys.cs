using Candles.Core.Timeframes;

namespace Candles.Abstractions.Grains;

/// <summary>How grain keys are spelled, in one place.</summary>
public static class GrainKeys
{
    /// <summary><c>INSTRUMENT|TF|ZONE</c>; intraday timeframes always carry UTC, their only zone.</summary>
    public static string Timeframe(string instrumentId, Timeframe timeframe, string zone) =>
        $"{instrumentId}|{timeframe}|{(timeframe.IsIntraday ? "UTC" : zone)}";

    /// <summary><c>INSTRUMENT|ZONE</c> of the grain sealing that instrument's calendar bars in that zone.</summary>
    public static string Period(string instrumentId, string zone) => $"{instrumentId}|{zone}";

    public static (string InstrumentId, string Zone) ParsePeriod(string key)
    {
        var bar = key.IndexOf('|', StringComparison.Ordinal);
        return (key[..bar], key[(bar + 1)..]);
    }

    public static (string InstrumentId, Timeframe Timeframe, string Zone) ParseTimeframe(string key)
    {
        var parts = key.Split('|');
        return (parts[0], Core.Timeframes.Timeframe.Parse(parts[1]), parts[2]);
    }
}
