using System.CommandLine;

namespace Candles.Host.Serving;

/// <summary><c>serve</c> (also what runs with no verb): ASP.NET Core and Orleans options pass straight through (<c>--urls</c>, <c>--Candles:...</c>).</summary>
public static class ServeCommand
{
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

        await using var app = CandlesServer.Build(passThrough);
        await app.RunAsync(cancellation);
        return 0;
    }
}
