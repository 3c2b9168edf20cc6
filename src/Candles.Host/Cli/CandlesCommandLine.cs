using System.CommandLine;
using Candles.Host.Aggregation;

namespace Candles.Host.Cli;

/// <summary>The verbs of the <c>candles</c> executable.</summary>
public static class CandlesCommandLine
{
    /// <summary>Exit code for input a user can fix: a bad file, a bad option value.</summary>
    public const int BadInput = 2;

    public static RootCommand Create() => new("Orleans.Candles: trade ticks to candles, footprints and volume profiles.")
    {
        AggregateCommand.Create(),
    };
}
