using System.CommandLine;
using System.Globalization;
using Candles.Host.Cli;
using Candles.Testing;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// Tapes the service never saw (other grids, zones with daylight-saving changes, millisecond times, duplicates and
/// disorder), replayed into the running service with their zone sealed: every candle, footprint and profile REST
/// serves equals the independent oracle's.
/// </summary>
public class UnseenTapeServiceTests
{
    public static TheoryData<string> Names => new(UnseenTapes.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public async Task WhatRestServesEqualsTheOracle(string name)
    {
        var (tape, trades) = UnseenTapes.Generate(name);
        var instrument = "TAPE:" + name.ToUpperInvariant().Replace('-', '_');
        // Some tapes are dated after today: the service would refuse them as ticks from the future.
        var service = new RunningService($"--Candles:Seal:Zones:0={tape.Zone}", "--Candles:Symbols:Retention=60.00:00:00", "--Candles:Ingest:MaxFutureSkew=3650.00:00:00");
        await service.InitializeAsync();
        try
        {
            var error = new StringWriter();
            var exit = await CandlesCommandLine.Create().Parse(
            [
                "replay", "--file", UnseenTapes.PathOf(tape), "--instrument", instrument, "--tick-size", tape.TickSize,
                "--qty-step", tape.QuantityStep, "--url", service.BaseAddress.ToString(), "--api-key", RunningService.ApiKey,
            ]).InvokeAsync(new InvocationConfiguration { Output = TextWriter.Null, Error = error });
            Assert.True(exit == 0, $"replay failed ({exit}): {error}");

            var tick = decimal.Parse(tape.TickSize, CultureInfo.InvariantCulture);
            var step = tick * 10;
            foreach (var timeframe in (string[])["1m", "7m", "90m", "1h", "5h", "1d", "1w", "1M"])
            {
                var zone = timeframe is "1d" or "1w" or "1M" ? tape.Zone : "UTC";
                var expected = ReferenceOracle.Candles(trades, timeframe, zone).Select(l => string.Join(',', l.Split(',').Take(10))).ToList();
                var served = await RestRows.ServedAsync(service.Http, instrument, new GoldenCase(name, "candles", timeframe, zone, null), expected[0]);
                CsvAssert.Equal(expected, served, $"{name} candles {timeframe} {zone}");
            }

            foreach (var (kind, timeframe, grid) in new[] { ("footprint", "1h", step), ("footprint", "1d", tick), ("profile", "1h", tick), ("profile", "4h", step) })
            {
                var zone = timeframe == "1d" ? tape.Zone : "UTC";
                var expected = kind == "footprint" ? ReferenceOracle.Footprints(trades, timeframe, zone, grid) : ReferenceOracle.Profiles(trades, timeframe, zone, grid);
                var golden = new GoldenCase(name, kind, timeframe, zone, grid == tick ? null : grid.ToString(CultureInfo.InvariantCulture));
                CsvAssert.Equal(expected, await RestRows.ServedAsync(service.Http, instrument, golden, expected[0]), $"{name} {kind} {timeframe} step {grid}");
            }
        }
        finally
        {
            await service.DisposeAsync();
        }
    }
}
