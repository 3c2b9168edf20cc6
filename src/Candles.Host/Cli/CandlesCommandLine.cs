using System.CommandLine;
using Candles.Host.Aggregation;
using Candles.Host.Replay;
using Candles.Host.Serving;

namespace Candles.Host.Cli;

/// <summary>The verbs of the <c>candles</c> executable.</summary>
public static class CandlesCommandLine
{
    /// <summary>Exit code for input a user can fix: a bad file, a bad option value.</summary>
    public const int BadInput = 2;

    private const string Description = "Orleans.Candles: trade ticks to candles, footprints and volume profiles.";

    public static RootCommand Create()
    {
        var root = new RootCommand($"{Description} With no verb: serve.")
        {
            ServeCommand.Create(),
            AggregateCommand.Create(),
            ReplayCommand.Create(),
            MigrateCommand.Create(),
            ServeCommand.Feed,
            ServeCommand.Instruments,
            ServeCommand.FeedRedundancy,
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction(ServeCommand.RunAsync);
        return root;
    }

    /// <summary>
    /// The verbs for <paramref name="args"/>: <c>aggregate</c> alone when that is what runs (an offline run is timed with
    /// its start-up, and building the service's verbs costs it tens of milliseconds of JIT), else all of them.
    /// </summary>
    public static RootCommand For(string[] args) =>
        args is ["aggregate", ..] ? new RootCommand(Description) { AggregateCommand.Create() } : Create();
}
