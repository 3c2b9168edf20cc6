using System.Globalization;
using Candles.Testing;

namespace Candles.Host.Tests;

/// <summary>
/// Tapes the golden files never saw — other tick sizes and quantity steps, millisecond times, other zones,
/// daylight-saving changes (one with no local midnight) and month ends, duplicates and out-of-order lines —
/// through the aggregate verb, checked against <see cref="ReferenceOracle"/>.
/// </summary>
public class UnseenTapeTests
{
    public static TheoryData<string> Names => new(UnseenTapes.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void CandlesOfEveryTimeframeEqualTheOracle(string name)
    {
        var (tape, trades, folder) = Prepare(name);
        string[] timeframes = ["1m", "7m", "90m", "1h", "5h", "1d", "1w", "1M"];
        var (exitCode, output, error) = Aggregate(tape, "--tf", string.Join(',', timeframes), "--tz", tape.Zone, "--out", folder);
        Assert.True(exitCode == 0, error);
        foreach (var timeframe in timeframes)
        {
            var zone = timeframe is "1d" or "1w" or "1M" ? tape.Zone : "UTC";
            var file = Path.Combine(folder, $"candles_{timeframe}_{zone.Replace('/', '-')}.csv");
            CsvAssert.Equal(ReferenceOracle.Candles(trades, timeframe, zone), File.ReadAllLines(file), $"{name} {timeframe}");
        }

        if (tape.Disorder)
        {
            Assert.Matches(@"[1-9]\d* amended late, [1-9]\d* duplicates ignored", output);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void FootprintsAndProfilesEqualTheOracle(string name)
    {
        var (tape, trades, folder) = Prepare(name);
        var tick = decimal.Parse(tape.TickSize, CultureInfo.InvariantCulture);
        var step = (tick * 10).ToString(CultureInfo.InvariantCulture);
        foreach (var (kind, timeframe, stepText) in new[] { ("footprint", "1h", step), ("footprint", "1d", null), ("profile", "1h", null), ("profile", "4h", step) })
        {
            var file = Path.Combine(folder, $"{kind}-{timeframe}.csv");
            List<string> args = ["--tf", timeframe, "--tz", tape.Zone, "--" + kind, "--out", file];
            if (stepText is not null)
            {
                args.AddRange(["--step", stepText]);
            }

            var (exitCode, _, error) = Aggregate(tape, [.. args]);
            Assert.True(exitCode == 0, error);
            var grid = stepText is null ? tick : decimal.Parse(stepText, CultureInfo.InvariantCulture);
            var zone = timeframe == "1d" ? tape.Zone : "UTC";
            var expected = kind == "footprint"
                ? ReferenceOracle.Footprints(trades, timeframe, zone, grid)
                : ReferenceOracle.Profiles(trades, timeframe, zone, grid);
            CsvAssert.Equal(expected, File.ReadAllLines(file), $"{name} {kind} {timeframe} step {grid}");
        }
    }

    private static (int ExitCode, string Output, string Error) Aggregate(UnseenTapes.TapeCase tape, params string[] args) =>
        AggregateVerb.Run(["aggregate", "--file", UnseenTapes.PathOf(tape), "--tick-size", tape.TickSize, "--qty-step", tape.QuantityStep, .. args]);

    private static (UnseenTapes.TapeCase Tape, List<ReferenceOracle.Trade> Trades, string Folder) Prepare(string name)
    {
        var (tape, trades) = UnseenTapes.Generate(name);
        return (tape, trades, AggregateVerb.TempFolder());
    }

}
