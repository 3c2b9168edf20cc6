using System.CommandLine;
using Candles.Host.Cli;

namespace Candles.Host.Tests;

/// <summary>Runs the <c>candles</c> command line in this process, as the executable would (<c>CandlesCommandLine.For</c>).</summary>
internal static class AggregateVerb
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = CandlesCommandLine.For(args).Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "candles-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
