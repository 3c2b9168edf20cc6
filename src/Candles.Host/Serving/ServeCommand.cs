using System.CommandLine;
using Candles.Ingest.Feeds;

namespace Candles.Host.Serving;

/// <summary><c>serve</c> (also what runs with no verb): ASP.NET Core and Orleans options pass straight through (<c>--urls</c>, <c>--Candles:...</c>).</summary>
public static class ServeCommand
{
    /// <summary><c>--feed binance --instruments BTCUSDT,ETHUSDT</c>, repeatable: each <c>--feed</c> takes the <c>--instruments</c> at its position.</summary>
    public static readonly Option<string[]> Feed = new("--feed")
    {
        Description = $"Run an exchange feed: {Venues.Names}. Repeatable, each with its own --instruments.",
        Recursive = true,
    };

    public static readonly Option<string[]> Instruments = new("--instruments")
    {
        Description = "The symbols of the --feed before it, comma separated: BTCUSDT,ETHUSDT (Coinbase, OKX: BTC-USD).",
        Recursive = true,
    };

    public static readonly Option<int?> FeedRedundancy = new("--feed-redundancy")
    {
        Description = "1: one connector per instrument in the cluster; 2: two (A/B) on different silos.",
        Recursive = true,
    };

    public static Command Create()
    {
        var command = new Command("serve", "Run the service (the default). Host options such as --urls pass through.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((parse, cancellation) => RunAsync(parse, cancellation));
        return command;
    }

    /// <summary>Runs the server with the tokens the command line did not claim.</summary>
    public static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellation)
    {
        var passThrough = parse.UnmatchedTokens.ToArray();
        if (passThrough.Length > 0 && !passThrough[0].StartsWith('-'))
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"unknown verb '{passThrough[0]}'; verbs: serve, aggregate, replay");
            return Cli.CandlesCommandLine.BadInput;
        }

        if (FeedSettings(parse, out var error) is not { } feeds)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync(error);
            return Cli.CandlesCommandLine.BadInput;
        }

        WebApplication app;
        try
        {
            app = CandlesServer.Build([.. passThrough, .. feeds]);
        }
        catch (InvalidOperationException ex)
        {
            // A setting the composition root refuses (a role, an https address): its message names it.
            await parse.InvocationConfiguration.Error.WriteLineAsync(ex.Message);
            return Cli.CandlesCommandLine.BadInput;
        }

        await using (app)
        {
            await app.RunAsync(cancellation);
        }

        return 0;
    }

    /// <summary>The feed options as configuration arguments, or null and the reason.</summary>
    private static List<string>? FeedSettings(ParseResult parse, out string error)
    {
        var feeds = parse.GetValue(Feed) ?? [];
        var instruments = parse.GetValue(Instruments) ?? [];
        List<string> settings = [];
        error = string.Empty;
        if (feeds.Length != instruments.Length)
        {
            error = $"each --feed needs its --instruments: {feeds.Length} --feed, {instruments.Length} --instruments";
            return null;
        }

        foreach (var (name, symbols) in feeds.Zip(instruments))
        {
            if (Venues.Find(name) is not { } venue)
            {
                error = $"--feed '{name}' is not a venue; known: {Venues.Names}";
                return null;
            }

            settings.Add($"--{FeedOptions.Section}:{venue.Name}:Instruments={symbols}");
        }

        if (parse.GetValue(FeedRedundancy) is { } redundancy)
        {
            settings.Add($"--{FeedOptions.Section}:Redundancy={redundancy}");
        }

        return settings;
    }
}
