using System.Diagnostics;
using Candles.Testing;

namespace Candles.Host.Tests;

public class BadInputTests
{
    private const string Good = "1,65000.00,0.01000,650.0,1772150400975,False,True\n";

    private static (int ExitCode, string Output, string Error) AggregateFile(string content, params string[] extra)
    {
        if (!extra.Contains("--tf"))
        {
            extra = ["--tf", "1m", .. extra];
        }

        var folder = AggregateVerb.TempFolder();
        var path = Path.Combine(folder, "trades.csv");
        File.WriteAllText(path, content);
        return AggregateVerb.Run(["aggregate", "--file", path, "--tick-size", "0.01", "--qty-step", "0.00001", "--out", Path.Combine(folder, "out.csv"), .. extra]);
    }

    [Theory]
    [InlineData("2,65000.00,0.01000,650.0,1772150400975,False\n3,1,2\n", "line 3: expected 6 or 7 comma-separated columns")]
    [InlineData("2,abc,0.01000,650.0,1772150400975,False,True\n", "line 2: price 'abc' is not a number")]
    [InlineData("2,-5.00,0.01000,650.0,1772150400975,False,True\n", "line 2: price '-5.00' is negative")]
    [InlineData("2,65000.001,0.01000,650.0,1772150400975,False,True\n", "line 2: price '65000.001' is not a whole multiple of 0.01")]
    [InlineData("2,65000.00,0.000001,650.0,1772150400975,False,True\n", "line 2: quantity '0.000001' is not a whole multiple of 0.00001")]
    public void BadFileStopsWithExitCodeTwoTheLineAndTheReason(string badLines, string message)
    {
        var (exitCode, _, error) = AggregateFile(Good + badLines + Good.Replace("1,", "9,", StringComparison.Ordinal));
        Assert.Equal(2, exitCode);
        Assert.Contains(message, error);
    }

    [Theory]
    [InlineData("--tf", "2d", "--tf: timeframe '2d' is not one of")]
    [InlineData("--tf", "1m,1m", "--tf: 1m is listed twice")]
    [InlineData("--tz", "Mars/Base", "--tz: time zone 'Mars/Base' is not an IANA zone name")]
    [InlineData("--step", "1.00", "--step needs --footprint or --profile")]
    [InlineData("--value-area", "0", "--value-area: 0 is not a percentage")]
    public void BadOptionIsRefusedWithExitCodeTwoAndTheOptionNamed(string option, string value, string message)
    {
        var (exitCode, _, error) = AggregateFile(Good, option, value);
        Assert.Equal(2, exitCode);
        Assert.Contains(message, error);
    }

    [Fact]
    public void StepOffTheTickGridIsRefused()
    {
        var (exitCode, _, error) = AggregateFile(Good, "--footprint", "--step", "0.015");
        Assert.Equal(2, exitCode);
        Assert.Contains("--step: step '0.015' is not a whole multiple of the tick size 0.01", error);
    }

    [Fact]
    public void DuplicateLinesAreCountedNotFatal()
    {
        var (exitCode, output, _) = AggregateFile(Good + Good + Good);
        Assert.Equal(0, exitCode);
        Assert.Contains("3 trades: 1 applied, 0 amended late, 2 duplicates ignored", output);
    }

    [Fact]
    public void TheExecutableItselfExitsWithCodeTwoOnABadFile()
    {
        var folder = AggregateVerb.TempFolder();
        var path = Path.Combine(folder, "bad.csv");
        File.WriteAllText(path, Good + "2,65000.00,nope,650.0,1772150400975,False,True\n");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "candles.dll"), "aggregate", "--file", path, "--tick-size", "0.01", "--qty-step", "0.00001", "--tf", "1m", "--out", Path.Combine(folder, "o.csv")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("line 2: quantity 'nope' is not a number", error);
        Assert.False(File.Exists(Path.Combine(folder, "o.csv")));
    }

    [Fact]
    public void GoldenTapeIsWhereTheTestsLookForIt() => Assert.True(File.Exists(GoldenFiles.Tape));
}
